package io.dynaccel.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 8, cause 5: a projection that looks inside the key attribute of a global or local secondary
 * index ({@code #g.#a}, {@code #g[0]}) is rejected by DynamoDB ("Key attributes must be scalars");
 * the cache must not answer it, even once the same projection was accepted on another table (where
 * {@code gk} is no key) and the item is cached. Each request is sent cold and warm.
 *
 * <p>dynalite checks index keys in GetItem and Query but not in BatchGetItem, which it answers 200.
 * The accelerator sends such reads upstream, so it answers whatever the upstream does: DynamoDB's
 * error against DynamoDB, dynalite's 200 here.
 */
class IndexKeyProjectionIT {

  private static final String KEY = "{\"pk\":{\"S\":\"a\"},\"sk\":{\"N\":\"1\"}}";
  private static final String ITEM = "{\"pk\":{\"S\":\"a\"},\"sk\":{\"N\":\"1\"},\"gk\":{\"S\":\"g1\"},\"lk\":{\"S\":\"l1\"},"
      + "\"m\":{\"M\":{\"a\":{\"S\":\"x\"}}}}";
  private static final List<String> PROJECTIONS = List.of("#g.#a", "#g[0]", "#l.#a", "#l[0]", "m.#a, #g.#a", "#g, #l, m.#a");

  @RegisterExtension static DynamoDbEmulatorExtension directUpstream = new DynamoDbEmulatorExtension();
  @RegisterExtension static DynamoDbEmulatorExtension acceleratedUpstream = new DynamoDbEmulatorExtension();

  private static AcceleratorFixture fixture;
  private static Differential differential;

  @BeforeAll
  static void start() throws Exception {
    fixture = AcceleratorFixture.start(acceleratedUpstream.emulator());
    URI direct = directUpstream.endpoint();
    URI accelerated = fixture.endpoint();
    String attributes = "\"AttributeDefinitions\":[{\"AttributeName\":\"pk\",\"AttributeType\":\"S\"},{\"AttributeName\":\"sk\",\"AttributeType\":\"N\"}";
    String key = "\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"},{\"AttributeName\":\"sk\",\"KeyType\":\"RANGE\"}]";
    String indexed = "{\"TableName\":\"Indexed\"," + attributes + ",{\"AttributeName\":\"gk\",\"AttributeType\":\"S\"},"
        + "{\"AttributeName\":\"lk\",\"AttributeType\":\"S\"}]," + key + ",\"BillingMode\":\"PAY_PER_REQUEST\","
        + "\"LocalSecondaryIndexes\":[{\"IndexName\":\"byL\",\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"},"
        + "{\"AttributeName\":\"lk\",\"KeyType\":\"RANGE\"}],\"Projection\":{\"ProjectionType\":\"ALL\"}}],"
        + "\"GlobalSecondaryIndexes\":[{\"IndexName\":\"byG\",\"KeySchema\":[{\"AttributeName\":\"gk\",\"KeyType\":\"HASH\"}],"
        + "\"Projection\":{\"ProjectionType\":\"ALL\"}}]}";
    String plain = "{\"TableName\":\"Plain\"," + attributes + "]," + key + ",\"BillingMode\":\"PAY_PER_REQUEST\"}";
    Differential.createTables(fixture, List.of(direct, accelerated), indexed, plain);
    differential = new Differential(fixture, direct, accelerated);
    differential.send("PutItem", "{\"TableName\":\"Indexed\",\"Item\":" + ITEM + "}");
    differential.send("PutItem", "{\"TableName\":\"Plain\",\"Item\":" + ITEM + "}");
  }

  @AfterAll
  static void stop() throws Exception {
    fixture.close();
  }

  /** The placeholders a projection uses: DynamoDB rejects unused ones. */
  private static String names(String projection) {
    List<String> names = new ArrayList<>();
    for (String[] name : new String[][] {{"#g", "gk"}, {"#l", "lk"}, {"#a", "a"}}) {
      if (projection.contains(name[0])) {
        names.add("\"" + name[0] + "\":\"" + name[1] + "\"");
      }
    }
    return "\"ExpressionAttributeNames\":{" + String.join(",", names) + "}";
  }

  private static String getItem(String table, String projection) {
    return "{\"TableName\":\"" + table + "\",\"Key\":" + KEY + ",\"ProjectionExpression\":\"" + projection + "\"," + names(projection) + "}";
  }

  private static String batchGet(String table, String projection) {
    return "{\"RequestItems\":{\"" + table + "\":{\"Keys\":[" + KEY + "],\"ProjectionExpression\":\"" + projection + "\"," + names(projection) + "}}}";
  }

  @Test
  void projectionsIntoIndexKeys_whenColdAndWarm_answerAsTheUpstreamDoes() throws Exception {
    for (String projection : PROJECTIONS) {
      // Cold.
      Differential.Answers cold = differential.send("GetItem", getItem("Indexed", projection));
      differential.send("BatchGetItem", batchGet("Indexed", projection));
      // Warm: the item cached, and the same projection accepted on a table where gk and lk are no keys.
      differential.send("GetItem", "{\"TableName\":\"Indexed\",\"Key\":" + KEY + "}");
      differential.send("GetItem", getItem("Plain", projection));
      differential.send("BatchGetItem", batchGet("Plain", projection));
      Differential.Answers warm = differential.send("GetItem", getItem("Indexed", projection));
      differential.send("BatchGetItem", batchGet("Indexed", projection));
      if (projection.contains("#g.") || projection.contains("#g[") || projection.contains("#l.") || projection.contains("#l[")) {
        assertThat(cold.direct().body()).as(projection).contains("Key attributes must be scalars");
        assertThat(warm.accelerated().body()).as(projection).contains("Key attributes must be scalars");
      }
    }
    System.out.printf("IndexKeyProjectionIT: %d calls, %d DynamoDB errors, %d differences, item cache hits %.0f%n",
        differential.calls(), differential.errors(), differential.differences().size(), fixture.metric("dynaccel_item_cache_hits_total"));
    assertThat(differential.differences()).isEmpty();
    assertThat(fixture.metric("dynaccel_item_cache_hits_total")).isPositive();
  }
}
