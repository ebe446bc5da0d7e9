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
 * Issue 8, cause 4: keys DynamoDB cannot parse were served from the cache. Once {@code k=1} was
 * cached, {@code {"N":"+1"}}, {@code "١"} (Arabic-Indic digit) and {@code "１"} (fullwidth digit)
 * returned the item, because Java's BigDecimal reads them as 1; DynamoDB refuses them. Each key form
 * is sent to one dynalite directly and to another through the accelerator, with a cold cache and
 * again once the number's item is cached, and the answers must be equal; no form outside DynamoDB's
 * grammar may be a cache hit.
 *
 * <p>A leading {@code +} is refused by dynalite; real DynamoDB is reported to accept it. The
 * accelerator never answers such a key itself, so it returns whichever answer its upstream gives.
 */
class KeyNumberFidelityIT {

  private static final String GET_ITEM = "DynamoDB_20120810.GetItem";
  /** Forms of a number outside DynamoDB's grammar; {@code %d} is the number. */
  private static final List<String> UNPARSEABLE = List.of("+%d", "+0%d.0", " %d", "%d ", "0x%d", "%de", "%d.0.0", "%d_0");
  /** Forms outside DynamoDB's range or precision, which it refuses with their own messages. */
  private static final List<String> OUT_OF_RANGE = List.of("%de126", "%de-131", "%d23456789012345678901234567890123456789");
  /** Valid spellings of the same number, which the cache answers. */
  private static final List<String> SPELLINGS = List.of("%d", "%d.0", "00%d", "%de0", "%d.000e0");

  @RegisterExtension static DynamoDbEmulatorExtension directUpstream = new DynamoDbEmulatorExtension();
  @RegisterExtension static DynamoDbEmulatorExtension acceleratedUpstream = new DynamoDbEmulatorExtension();

  private static AcceleratorFixture fixture;
  /** One per test, so that each test sees only its own differences. */
  private final Differential differential = new Differential(fixture, directUpstream.endpoint(), fixture.endpoint());

  @BeforeAll
  static void start() throws Exception {
    fixture = AcceleratorFixture.start(acceleratedUpstream.emulator());
    String create = Differential.hashTable("Numbers", "k", "N");
    for (URI upstream : List.of(directUpstream.endpoint(), acceleratedUpstream.endpoint())) {
      Differential.createTable(fixture, upstream, create);
      for (int k = 1; k <= 3; k++) {
        // Written to the upstreams directly, so that the node's cache starts cold.
        String put = "{\"TableName\":\"Numbers\",\"Item\":{\"k\":{\"N\":\"" + k + "\"},\"v\":{\"S\":\"item " + k + "\"}}}";
        assertThat(fixture.call(upstream, "DynamoDB_20120810.PutItem", put).statusCode()).isEqualTo(200);
      }
    }
  }

  @AfterAll
  static void stop() throws Exception {
    fixture.close();
  }

  private static String getItem(String number) {
    return "{\"TableName\":\"Numbers\",\"Key\":{\"k\":{\"N\":\"" + number + "\"}}}";
  }

  private static List<String> forms(List<String> patterns, int k) {
    return patterns.stream().map(p -> p.formatted(k)).toList();
  }

  /** The forms outside the grammar, with {@code k} also as one Arabic-Indic and one fullwidth digit. */
  private static List<String> refused(int k) {
    List<String> forms = new ArrayList<>(forms(UNPARSEABLE, k));
    forms.add(String.valueOf((char) ('\u0660' + k)));
    forms.add(String.valueOf((char) ('\uFF10' + k)));
    forms.add("1" + (char) ('\u0660' + k));
    return forms;
  }

  private static double hits() {
    return fixture.metric("dynaccel_item_cache_hits_total");
  }

  @Test
  void getItem_whenKeyOutsideDynamoDbGrammar_answersAsDynamoDbColdAndWarm() throws Exception {
    List<String> refused = refused(1);
    refused.forEach(n -> send("GetItem", getItem(n)));
    forms(OUT_OF_RANGE, 1).forEach(n -> send("GetItem", getItem(n)));

    // Warm: every valid spelling of 1 is one cache key, filled once and then hit.
    double before = hits();
    forms(SPELLINGS, 1).forEach(n -> send("GetItem", getItem(n)));
    assertThat(hits() - before).isEqualTo(SPELLINGS.size() - 1);

    before = hits();
    refused.forEach(n -> send("GetItem", getItem(n)));
    forms(OUT_OF_RANGE, 1).forEach(n -> send("GetItem", getItem(n)));

    assertThat(hits()).as("keys outside the grammar served from the cache").isEqualTo(before);
    assertThat(differential.differences()).isEmpty();
    // The example, answered by the upstream (dynalite here; real DynamoDB is reported to accept "+1").
    String plus = fixture.call(fixture.endpoint(), GET_ITEM, getItem("+1")).body();
    assertThat(plus).contains("ValidationException").contains("The parameter cannot be converted to a numeric value: +1");
  }

  @Test
  void batchGetItem_whenKeyOutsideDynamoDbGrammar_answersAsDynamoDbColdAndWarm() throws Exception {
    List<String> bodies = new ArrayList<>();
    for (String n : refused(2)) {
      bodies.add("{\"RequestItems\":{\"Numbers\":{\"Keys\":[{\"k\":{\"N\":\"" + n + "\"}}]}}}");
      bodies.add("{\"RequestItems\":{\"Numbers\":{\"Keys\":[{\"k\":{\"N\":\"2\"}},{\"k\":{\"N\":\"" + n + "\"}}]}}}");
    }
    // Two spellings of one number are duplicates, which DynamoDB refuses.
    bodies.add("{\"RequestItems\":{\"Numbers\":{\"Keys\":[{\"k\":{\"N\":\"2\"}},{\"k\":{\"N\":\"2.0\"}}]}}}");
    bodies.forEach(body -> send("BatchGetItem", body));

    send("BatchGetItem", "{\"RequestItems\":{\"Numbers\":{\"Keys\":[{\"k\":{\"N\":\"2\"}}]}}}");
    double before = hits();
    send("BatchGetItem", "{\"RequestItems\":{\"Numbers\":{\"Keys\":[{\"k\":{\"N\":\"02.00\"}}]}}}");
    assertThat(hits() - before).isEqualTo(1);

    before = hits();
    bodies.forEach(body -> send("BatchGetItem", body));

    assertThat(hits()).as("keys outside the grammar served from the cache").isEqualTo(before);
    assertThat(differential.differences()).isEmpty();
  }

  @Test
  void query_whenPartitionOutsideDynamoDbGrammar_answersAsDynamoDbColdAndWarm() throws Exception {
    String query = "{\"TableName\":\"Numbers\",\"KeyConditionExpression\":\"k = :k\",\"ExpressionAttributeValues\":{\":k\":{\"N\":\"%s\"}}}";
    List<String> refused = refused(3);
    refused.forEach(n -> send("Query", query.formatted(n)));
    send("Query", query.formatted("3"));
    send("Query", query.formatted("3"));
    refused.forEach(n -> send("Query", query.formatted(n)));

    assertThat(differential.differences()).isEmpty();
  }

  private void send(String operation, String body) {
    try {
      differential.send(operation, body);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
