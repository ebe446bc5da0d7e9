package io.dynaccel.bench.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynaccel.server.cache.CachedItem;
import io.dynaccel.server.cache.ItemCache;
import io.dynaccel.server.cache.ItemKey;
import io.dynaccel.server.item.AttributeValues;
import io.dynaccel.server.protocol.ApiRequest;
import io.dynaccel.server.protocol.ApiResponse;
import io.dynaccel.server.protocol.CacheOutcome;
import io.dynaccel.server.protocol.JsonCodec;
import io.dynaccel.server.protocol.RequestDecoder;
import io.dynaccel.server.protocol.SignatureCheck;
import io.dynaccel.server.protocol.StreamedGetItem;
import io.dynaccel.server.table.KeySchema;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The pieces of the GetItem hit path and the write path, one at a time: request decoding, key
 * canonicalisation, cache lookup, response encoding, and the item normalisation of write-through.
 *
 * <p>{@code decodeGetItem} reads a plain GetItem without a tree; {@code decodePutItem} builds one.
 * Run with {@code bench/run.sh jmh HotPathBenchmark} (add {@code -f 1 -wi 3 -i 5} for a quicker run).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HotPathBenchmark {

  private static final String GET_ITEM = "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"user-00000042\"}}}";
  private static final String ITEM = "{\"pk\":{\"S\":\"user-00000042\"},\"n\":{\"N\":\"42.50\"},\"payload\":{\"S\":\"" + "x".repeat(900) + "\"}}";

  private Buffer getItemBody;
  private Buffer putItemBody;
  private MultiMap getItemHeaders;
  private MultiMap putItemHeaders;
  private KeySchema schema;
  private JsonNode key;
  private StreamedGetItem streamedGetItem;
  private ItemCache cache;
  private ItemKey cachedKey;
  private ObjectNode item;
  private byte[] itemBytes;

  /** Builds the inputs once. */
  @Setup
  public void setUp() {
    getItemBody = Buffer.buffer(GET_ITEM);
    putItemBody = Buffer.buffer("{\"TableName\":\"Users\",\"Item\":" + ITEM + "}");
    getItemHeaders = signedHeaders("GetItem");
    putItemHeaders = signedHeaders("PutItem");
    schema = new KeySchema("pk", "S", null, null);
    key = JsonCodec.read(GET_ITEM.getBytes(StandardCharsets.UTF_8)).get("Key");
    streamedGetItem = StreamedGetItem.read(getItemBody);
    cache = new ItemCache(1L << 30, (table, exists) -> Duration.ofHours(1), Duration.ofSeconds(11), System::nanoTime);
    for (int i = 0; i < 100_000; i++) {
      ItemKey k = new ItemKey("Users", "S13:user-" + String.format("%08d", i), "");
      cache.completeFill(cache.beginFill(k), CachedItem.present(ITEM.getBytes(StandardCharsets.UTF_8)));
    }
    cachedKey = new ItemKey("Users", "S13:user-00000042", "");
    itemBytes = ITEM.getBytes(StandardCharsets.UTF_8);
    item = (ObjectNode) JsonCodec.read(itemBytes);
  }

  /** The headers an SDK sends with a call (the signature's form is checked, not its value). */
  private static MultiMap signedHeaders(String operation) {
    return MultiMap.caseInsensitiveMultiMap()
        .add("Content-Type", "application/x-amz-json-1.0")
        .add("X-Amz-Target", "DynamoDB_20120810." + operation)
        .add("X-Amz-Date", "20260101T000000Z")
        .add("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/dynamodb/aws4_request, "
            + "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
  }

  /** Parsing, signature-form check and type-checking of a GetItem request. */
  @Benchmark
  public ApiRequest decodeGetItem() {
    return RequestDecoder.decode(getItemHeaders, null, getItemBody);
  }

  /** The signature-form check alone, which every call now passes before anything else is done with it. */
  @Benchmark
  public MultiMap signatureCheck() {
    SignatureCheck.check(getItemHeaders, null);
    return getItemHeaders;
  }

  /** Parsing and type-checking a PutItem request of about 1 KB. */
  @Benchmark
  public ApiRequest decodePutItem() {
    return RequestDecoder.decode(putItemHeaders, null, putItemBody);
  }

  /** Turning a request's Key into the cache key. */
  @Benchmark
  public ItemKey canonicalKey() {
    return schema.keyOf("Users", key);
  }

  /** Turning a streamed GetItem's key into the cache key, as the hit path does. */
  @Benchmark
  public ItemKey canonicalKeyStreamed() {
    return schema.keyOf("Users", streamedGetItem);
  }

  /**
   * A whole cache hit short of HTTP and the handler's future: decoding, the cache key, the lookup and
   * the answer's body and CRC32, as {@code GetItemHandler} answers a plain GetItem of a known table.
   */
  @Benchmark
  public ApiResponse hitWithoutHttp() {
    ApiRequest request = RequestDecoder.decode(getItemHeaders, null, getItemBody);
    CachedItem entry = cache.get(schema.keyOf("Users", request.getItem()));
    return ApiResponse.ok(entry.getItemResponse(), entry.getItemResponseCrc32(), CacheOutcome.HIT);
  }

  /** One lookup in a cache of 100,000 items. */
  @Benchmark
  public CachedItem cacheLookup() {
    return cache.get(cachedKey);
  }

  /** Encoding a cache entry: the GetItem answer bytes and their CRC32. */
  @Benchmark
  public long encodeEntry() {
    CachedItem entry = CachedItem.present(itemBytes);
    return entry.getItemResponseCrc32();
  }

  /** The CRC32 of an answer, which every response carries. */
  @Benchmark
  public long crc32OfAnswer() {
    CRC32 crc = new CRC32();
    crc.update(itemBytes);
    return crc.getValue();
  }

  /** Write-through: the item as DynamoDB stores it, encoded. */
  @Benchmark
  public byte[] normalizeAndEncodeItem() {
    return JsonCodec.write(AttributeValues.normalizeItem(item));
  }
}
