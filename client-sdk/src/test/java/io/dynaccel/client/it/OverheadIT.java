package io.dynaccel.client.it;

import io.dynaccel.client.DynaccelClient;
import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The Dynaccel client's cost over a plain {@code DynamoDbClient} pointed at the same node: the same cache-hit GetItem
 * workload through both, in the same run, figures printed. No timing assertion: shared machines are noisy.
 */
class OverheadIT {

  @RegisterExtension
  static DynamoDbEmulatorExtension upstream = new DynamoDbEmulatorExtension();

  private static final int WARMUP = 2000;
  private static final int MEASURED = 5000;

  @Test
  void getItemHits_dynaccelClientAgainstPlainClient_printsBothFigures() throws Exception {
    try (NodeFleet fleet = NodeFleet.start(upstream.emulator(), 1);
        DynamoDbClient plain = DynamoDbClient.builder().endpointOverride(fleet.endpoint(0))
            .region(Region.of(upstream.emulator().region())).credentialsProvider(NodeFleet.CREDENTIALS)
            .httpClientBuilder(Apache5HttpClient.builder()).build();
        DynamoDbClient dynaccel = DynaccelClient.builder().endpoints(fleet.endpoint(0))
            .region(Region.of(upstream.emulator().region())).credentialsProvider(NodeFleet.CREDENTIALS).build()) {
      plain.createTable(b -> b.tableName("Overhead").billingMode(BillingMode.PAY_PER_REQUEST)
          .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S))
          .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH)));
      try (var waiter = plain.waiter()) {
        waiter.waitUntilTableExists(b -> b.tableName("Overhead"));
      }
      for (int i = 0; i < 100; i++) {
        plain.putItem(b -> b.tableName("Overhead").item(Map.of("pk", AttributeValue.fromS("k" + 0), "v", AttributeValue.fromS("x".repeat(100)))));
      }
      Map<String, AttributeValue> key = Map.of("pk", AttributeValue.fromS("k0"));

      run(plain, key, WARMUP);
      run(dynaccel, key, WARMUP);
      // Alternate the two twice so neither gets all the JIT's or the machine's good moments.
      long[] plainNanos = run(plain, key, MEASURED / 2);
      long[] dynaccelNanos = run(dynaccel, key, MEASURED / 2);
      long[] plainNanos2 = run(plain, key, MEASURED / 2);
      long[] dynaccelNanos2 = run(dynaccel, key, MEASURED / 2);

      double plainRate = report("plain DynamoDbClient (baseline)", concat(plainNanos, plainNanos2));
      double dynaccelRate = report("DynaccelClient", concat(dynaccelNanos, dynaccelNanos2));
      System.out.printf("OverheadIT: DynaccelClient throughput / plain = %.3f%n", dynaccelRate / plainRate);
    }
  }

  private static long[] run(DynamoDbClient client, Map<String, AttributeValue> key, int count) {
    long[] nanos = new long[count];
    for (int i = 0; i < count; i++) {
      long began = System.nanoTime();
      client.getItem(b -> b.tableName("Overhead").key(key));
      nanos[i] = System.nanoTime() - began;
    }
    return nanos;
  }

  private static long[] concat(long[] a, long[] b) {
    long[] all = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  private static double report(String name, long[] nanos) {
    long total = Arrays.stream(nanos).sum();
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    double rate = nanos.length / (total / 1e9);
    System.out.printf("OverheadIT: %-32s %d GetItem hits, one thread: %.0f req/s, mean %.1f us, p50 %.1f us, p99 %.1f us%n",
        name, nanos.length, rate, total / 1e3 / nanos.length, sorted[sorted.length / 2] / 1e3, sorted[sorted.length * 99 / 100] / 1e3);
    return rate;
  }
}
