package io.dynaccel.server.table;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynaccel.server.protocol.JsonCodec;
import io.dynaccel.server.table.TableLookup.Reach;
import io.dynaccel.server.upstream.UpstreamResponse;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** TableSchemas over a fake DescribeTable whose answers each test sets. */
class TableSchemasTest {

  private static final String ARN = "arn:aws:dynamodb:us-east-1:000000000000:table/Orders";

  private final Map<String, UpstreamResponse> answers = new ConcurrentHashMap<>();
  private final List<String> described = new ArrayList<>();
  private final List<String> dropped = new ArrayList<>();
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final TableSchemas schemas = new TableSchemas(this::describe, dropped::add, now::get);

  private Future<UpstreamResponse> describe(Buffer body) {
    String table = JsonCodec.read(body.getBytes()).path("TableName").textValue();
    described.add(table);
    return Future.succeededFuture(answers.getOrDefault(table, error(400, "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException")));
  }

  private static UpstreamResponse error(int status, String type) {
    return new UpstreamResponse(status, Buffer.buffer("{\"__type\":\"" + type + "\",\"message\":\"m\"}"), null);
  }

  private static UpstreamResponse table(String id, String key, String keyType, String indexes) {
    return new UpstreamResponse(200, Buffer.buffer("{\"Table\":{\"TableName\":\"Orders\",\"TableArn\":\"" + ARN + "\",\"TableId\":\"" + id
        + "\",\"CreationDateTime\":1.7E9,\"KeySchema\":[{\"AttributeName\":\"" + key + "\",\"KeyType\":\"HASH\"}],"
        + "\"AttributeDefinitions\":[{\"AttributeName\":\"" + key + "\",\"AttributeType\":\"" + keyType + "\"}]" + indexes + "}}"), null);
  }

  private static UpstreamResponse table(String id, String key, String keyType) {
    return table(id, key, keyType, "");
  }

  private TableLookup lookup(String spelling) {
    return schemas.lookup(spelling).result();
  }

  @Test
  void lookup_whenDescribeTableSucceeds_learnsKeyAndIndexKeys() {
    answers.put("Orders", table("id-1", "pk", "S",
        ",\"LocalSecondaryIndexes\":[{\"IndexName\":\"l\",\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"},{\"AttributeName\":\"lk\",\"KeyType\":\"RANGE\"}]}]"
        + ",\"GlobalSecondaryIndexes\":[{\"IndexName\":\"g\",\"KeySchema\":[{\"AttributeName\":\"gk\",\"KeyType\":\"HASH\"}]}]"));

    TableLookup orders = lookup("Orders");

    assertThat(orders.reach()).isEqualTo(Reach.SERVABLE);
    assertThat(orders.metadata().key()).isEqualTo(new KeySchema("pk", "S", null, null));
    assertThat(orders.metadata().keyAttributeTypes()).containsOnlyKeys("pk", "lk", "gk");
    assertThat(orders.metadata().tableArn()).isEqualTo(ARN);
    lookup("Orders");
    assertThat(described).containsExactly("Orders");
  }

  @Test
  void lookup_whenDescribeTableRejectsName_isUncachedAndAskedAgainNextTime() {
    answers.put("a", error(400, "com.amazon.coral.validate#ValidationException"));

    assertThat(lookup("a").reach()).isEqualTo(Reach.UNCACHED);
    assertThat(lookup("a").reach()).isEqualTo(Reach.UNCACHED);
    assertThat(described).containsExactly("a", "a");
  }

  @Test
  void lookup_whenTableDoesNotExist_isUncached() {
    assertThat(lookup("Nope").reach()).isEqualTo(Reach.UNCACHED);
  }

  @Test
  void lookup_whenDescribeTableThrottledOrFailing_isUnknown() {
    answers.put("Orders", error(400, "com.amazonaws.dynamodb.v20120810#ThrottlingException"));
    answers.put("Other", error(500, "com.amazonaws.dynamodb.v20120810#InternalServerError"));

    assertThat(lookup("Orders").reach()).isEqualTo(Reach.UNKNOWN);
    assertThat(lookup("Other").reach()).isEqualTo(Reach.UNKNOWN);
    assertThat(lookup("Orders").table()).isEqualTo("Orders");
  }

  @Test
  void lookup_whenArnOfThisUpstream_isUnverifiedUntilAccepted() {
    answers.put("Orders", table("id-1", "pk", "S"));

    TableLookup first = lookup(ARN);
    assertThat(first.reach()).isEqualTo(Reach.UNVERIFIED);
    assertThat(first.table()).isEqualTo("Orders");
    schemas.accept(first);

    assertThat(lookup(ARN).reach()).isEqualTo(Reach.SERVABLE);
    assertThat(described).containsExactly("Orders");
  }

  @Test
  void lookup_whenArnOfAnotherRegionOrAccountOrAnIndex_isUncached() {
    answers.put("Orders", table("id-1", "pk", "S"));

    for (String other : List.of("arn:aws:dynamodb:eu-west-1:000000000000:table/Orders",
        "arn:aws:dynamodb:us-east-1:111111111111:table/Orders", ARN + "/index/g")) {
      TableLookup lookup = lookup(other);
      schemas.accept(lookup);
      assertThat(lookup(other).reach()).as(other).isEqualTo(Reach.UNCACHED);
    }
  }

  @Test
  void refreshAll_whenTableCreatedAnewWithAnotherKey_dropsTableAndLearnsNewKey() {
    answers.put("Orders", table("id-1", "pk", "S"));
    lookup("Orders");
    answers.put("Orders", table("id-2", "id", "N"));

    schemas.refreshAll();

    assertThat(dropped).containsExactly("Orders");
    assertThat(lookup("Orders").metadata().key()).isEqualTo(new KeySchema("id", "N", null, null));
  }

  @Test
  void refreshAll_whenTableUnchanged_dropsNothing() {
    answers.put("Orders", table("id-1", "pk", "S"));
    lookup("Orders");

    schemas.refreshAll();

    assertThat(described).containsExactly("Orders", "Orders");
    assertThat(dropped).isEmpty();
  }

  @Test
  void refreshAll_whenOnlyAnIndexWasAdded_learnsItsKeyWithoutDropping() {
    answers.put("Orders", table("id-1", "pk", "S"));
    lookup("Orders");
    answers.put("Orders", table("id-1", "pk", "S", ",\"GlobalSecondaryIndexes\":[{\"IndexName\":\"g\",\"KeySchema\":[{\"AttributeName\":\"gk\",\"KeyType\":\"HASH\"}]}]"));

    schemas.refreshAll();

    assertThat(dropped).isEmpty();
    assertThat(lookup("Orders").metadata().isAnyKeyAttribute("gk")).isTrue();
  }

  @Test
  void refreshAll_whenTableDeleted_dropsAndForgetsIt() {
    answers.put("Orders", table("id-1", "pk", "S"));
    lookup("Orders");
    answers.remove("Orders");

    schemas.refreshAll();

    assertThat(dropped).containsExactly("Orders");
    assertThat(lookup("Orders").reach()).isEqualTo(Reach.UNCACHED);
  }

  @Test
  void refreshAll_whenDescribeTableThrottled_keepsWhatItKnows() {
    answers.put("Orders", table("id-1", "pk", "S"));
    lookup("Orders");
    answers.put("Orders", error(400, "com.amazonaws.dynamodb.v20120810#ThrottlingException"));

    schemas.refreshAll();

    assertThat(dropped).isEmpty();
    assertThat(lookup("Orders").reach()).isEqualTo(Reach.SERVABLE);
  }

  @Test
  void refreshAfterError_whenRepeatedWithinSpacing_describesOnceUntilTimePasses() {
    answers.put("Orders", table("id-1", "pk", "S"));
    lookup("Orders");
    answers.put("Orders", table("id-2", "pk", "S"));

    schemas.refreshAfterError("Orders");
    schemas.refreshAfterError("Orders");
    assertThat(described).containsExactly("Orders", "Orders");
    assertThat(dropped).containsExactly("Orders");

    now.addAndGet(TableSchemas.ERROR_REFRESH_SPACING.toNanos());
    schemas.refreshAfterError("Orders");
    assertThat(described).containsExactly("Orders", "Orders", "Orders");
    assertThat(dropped).containsExactly("Orders");
  }

  @Test
  void refreshAfterError_whenTableNeverDescribed_asksNothing() {
    schemas.refreshAfterError("bad name!");

    assertThat(described).isEmpty();
    assertThat(dropped).isEmpty();
  }

  @Test
  void forget_whenTableChangedThroughAccelerator_describesAgainOnNextLookup() {
    answers.put("Orders", table("id-1", "pk", "S"));
    lookup("Orders");

    schemas.forget("Orders");
    lookup("Orders");

    assertThat(described).containsExactly("Orders", "Orders");
  }
}
