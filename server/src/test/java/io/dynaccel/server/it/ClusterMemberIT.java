package io.dynaccel.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node that is the only member of its cluster: once it holds its leases it answers from its cache at
 * once. Fills of a partition just taken over read consistently, but they install.
 */
class ClusterMemberIT {

  @RegisterExtension static DynamoDbEmulatorExtension upstream = new DynamoDbEmulatorExtension();

  private static AcceleratorFixture fixture;

  @BeforeAll
  static void start() throws Exception {
    int hazelcastPort = FreePorts.loopback();
    fixture = AcceleratorFixture.start(upstream.emulator(), "cluster.members=127.0.0.1:" + hazelcastPort,
        "cluster.port=" + hazelcastPort, "cluster.name=member-it-" + hazelcastPort);
    Differential.createTable(fixture, upstream.endpoint(), Differential.hashTable("Solo", "pk", "S"));
    assertThat(fixture.call(upstream.endpoint(), "DynamoDB_20120810.PutItem",
        "{\"TableName\":\"Solo\",\"Item\":{\"pk\":{\"S\":\"a\"},\"v\":{\"N\":\"1\"}}}").statusCode()).isEqualTo(200);
  }

  @AfterAll
  static void stop() throws Exception {
    fixture.close();
  }

  @Test
  void getItem_whenTheOnlyMemberHoldsItsLeases_isAHitFromTheSecondRead() throws Exception {
    String get = "{\"TableName\":\"Solo\",\"Key\":{\"pk\":{\"S\":\"a\"}}}";
    // Until the lease is held the read is answered from DynamoDB with no cache; then the next read fills.
    long began = System.nanoTime();
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
      double before = fixture.metric("dynaccel_item_cache_hits_total");
      fixture.call(fixture.endpoint(), "DynamoDB_20120810.GetItem", get);
      fixture.call(fixture.endpoint(), "DynamoDB_20120810.GetItem", get);
      return fixture.metric("dynaccel_item_cache_hits_total") > before;
    });
    long tookMillis = (System.nanoTime() - began) / 1_000_000;
    assertThat(tookMillis).as("no fresh-takeover window without installs").isLessThan(2_000);

    var answer = fixture.call(fixture.endpoint(), "DynamoDB_20120810.GetItem", get);
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo("{\"Item\":{\"pk\":{\"S\":\"a\"},\"v\":{\"N\":\"1\"}}}");
  }
}
