package io.dynaccel.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 8, cause 6: a ProjectionExpression without ExpressionAttributeNames was never answered from
 * the cache (the absent map was read as an empty one and rejected), a lost hit on the commonest
 * projection form. The first read of a projection shape goes to DynamoDB; once DynamoDB accepted it,
 * the next read fills the cache and the ones after are hits, with DynamoDB's answer every time.
 */
class PlainProjectionHitIT {

  private static final String ITEM = "{\"pk\":{\"S\":\"%s\"},\"a\":{\"N\":\"1\"},\"b\":{\"M\":{\"c\":{\"S\":\"x\"},\"d\":{\"N\":\"2\"}}},"
      + "\"l\":{\"L\":[{\"S\":\"l0\"},{\"S\":\"l1\"}]},\"z\":{\"S\":\"zz\"}}";

  @RegisterExtension static DynamoDbEmulatorExtension directUpstream = new DynamoDbEmulatorExtension();
  @RegisterExtension static DynamoDbEmulatorExtension acceleratedUpstream = new DynamoDbEmulatorExtension();

  private static AcceleratorFixture fixture;
  /** One per test, so that each test sees only its own differences. */
  private final Differential differential = new Differential(fixture, directUpstream.endpoint(), fixture.endpoint());

  @BeforeAll
  static void start() throws Exception {
    fixture = AcceleratorFixture.start(acceleratedUpstream.emulator());
    String create = Differential.hashTable("Plain", "pk", "S");
    for (URI upstream : List.of(directUpstream.endpoint(), acceleratedUpstream.endpoint())) {
      Differential.createTable(fixture, upstream, create);
      for (String pk : List.of("g", "b1", "b2")) {
        // Written to the upstreams directly, so that the node's cache starts cold.
        assertThat(fixture.call(upstream, "DynamoDB_20120810.PutItem", "{\"TableName\":\"Plain\",\"Item\":" + ITEM.formatted(pk) + "}").statusCode()).isEqualTo(200);
      }
    }
  }

  @AfterAll
  static void stop() throws Exception {
    fixture.close();
  }

  private static double hits() {
    return fixture.metric("dynaccel_item_cache_hits_total");
  }

  private static double misses() {
    return fixture.metric("dynaccel_item_cache_misses_total");
  }

  @Test
  void getItem_whenProjectionWithoutExpressionAttributeNames_isHitAfterFirstAcceptedRead() throws Exception {
    String body = "{\"TableName\":\"Plain\",\"Key\":{\"pk\":{\"S\":\"g\"}},\"ProjectionExpression\":\"a, b.c, l[1]\"}";
    double hits = hits();
    double misses = misses();

    for (int i = 0; i < 4; i++) {
      differential.send("GetItem", body);
    }

    // 1: DynamoDB vouches for the shape; 2: fills the cache; 3 and 4: hits.
    assertThat(misses() - misses).isEqualTo(1);
    assertThat(hits() - hits).isEqualTo(2);
    assertThat(differential.differences()).isEmpty();
  }

  @Test
  void batchGetItem_whenProjectionWithoutExpressionAttributeNames_isHitAfterFirstAcceptedRead() throws Exception {
    String body = "{\"RequestItems\":{\"Plain\":{\"Keys\":[{\"pk\":{\"S\":\"b1\"}},{\"pk\":{\"S\":\"b2\"}},{\"pk\":{\"S\":\"none\"}}],"
        + "\"ProjectionExpression\":\"z, b\"}}}";
    double hits = hits();

    for (int i = 0; i < 4; i++) {
      differential.send("BatchGetItem", body);
    }

    // 1: DynamoDB vouches for the shape; 2: fills the three keys; 3 and 4: three hits each.
    assertThat(hits() - hits).isEqualTo(6);
    assertThat(differential.differences()).isEmpty();
  }
}
