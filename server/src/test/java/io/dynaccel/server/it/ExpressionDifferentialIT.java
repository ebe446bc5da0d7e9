package io.dynaccel.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import io.dynaccel.server.expression.LocalWrites;
import io.dynaccel.server.expression.ParsedExpressions;
import io.dynaccel.server.expression.WriteOutcome;
import io.dynaccel.server.table.KeySchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The expression engine against a real DynamoDB implementation: seeded random PutItem, UpdateItem
 * and DeleteItem calls, with random conditions and update expressions over random items (invalid
 * ones included), are sent to dynalite from a known starting item and computed by
 * {@link LocalWrites} from the same item. Outcome, error type and message, ReturnValues and the
 * item left behind must agree.
 *
 * <p>Where dynalite departs from DynamoDB's documented semantics the engine follows DynamoDB; each
 * such case is recognised below by {@link Departure} and counted, never silently skipped:
 * <ul>
 *   <li>{@code SYNTAX_MESSAGE}: dynalite words syntax errors as its parser generator does
 *       ("Expected ... but ... found."); DynamoDB says {@code Syntax error; token: "x", near: "..."}.
 *       Only the common prefix ({@code Invalid XExpression: Syntax error;}) is compared.
 *   <li>{@code LIST_MAP_EQUALITY}: dynalite compares lists and maps by object identity, so
 *       {@code =}, {@code <>}, {@code IN} and {@code contains} never find them equal; DynamoDB
 *       compares them by value (equal elements in order; equal members).
 *   <li>{@code BOTH_MISSING}: {@code a = b} (and {@code <=}, {@code >=}) with both attributes
 *       missing is true in dynalite, {@code a <> b} false; in DynamoDB a comparison with a missing
 *       operand is false, and {@code <>} true (as reported from DynamoDB itself: ExtendDB/extenddb
 *       pull request 5, scylladb/scylladb issue 8511).
 *   <li>{@code DOUBLE_NOT}: dynalite's grammar refuses {@code NOT NOT c} as a syntax error; the
 *       documented grammar ({@code NOT condition}) allows a condition after NOT, a negated one too,
 *       and DynamoDB accepts {@code NOT NOT NOT NOT a < b} (ScyllaDB's alternator tests, run
 *       against DynamoDB).
 *   <li>{@code BOOL_FALSE}: dynalite treats an attribute holding {@code {"BOOL": false}} as missing
 *       in {@code attribute_type}, {@code IN} and {@code BETWEEN} (it tests the JavaScript value
 *       for truth), so {@code attribute_type(flag, :bool)} is false for it; in DynamoDB the attribute
 *       exists and has type BOOL.
 *   <li>{@code NUMBER_LIMITS}: dynalite's arithmetic (SET +/-, ADD) has unlimited precision and
 *       range; DynamoDB refuses a result outside 1E-130..1E+126, and one with more than 38
 *       significant digits too, the latter also with its overflow message (ScyllaDB's
 *       test_update_expression_plus_imprecise, run against DynamoDB). dynalite then succeeds, or
 *       reports the error DynamoDB would have found next.
 *   <li>{@code LIST_REMOVALS}: dynalite applies several REMOVEs of one list's elements one after
 *       the other, each shifting the indexes of the next; DynamoDB's indexes all name the list as it
 *       was before the update (the Developer Guide's {@code REMOVE RelatedItems[1], RelatedItems[2]};
 *       confirmed against DynamoDB in getmoto/moto issue 5748).
 *   <li>{@code EMPTY_UPDATED_ATTRIBUTES}: for UPDATED_OLD and UPDATED_NEW where no updated path
 *       has a value (a REMOVE-only update, UPDATED_NEW), dynalite answers {@code "Attributes": {}};
 *       DynamoDB leaves Attributes out (as reported from DynamoDB itself: ExtendDB/extenddb pull
 *       request 121, nubo-db/dynoxide issue 36).
 *   <li>{@code OPERAND_TYPE_SET}: for an ADD or DELETE value of a type they do not take, DynamoDB's
 *       message ends {@code , typeSet: ALLOWED_FOR_ADD_OPERAND} (or {@code _DELETE_}), as reported
 *       from DynamoDB by several other implementations; dynalite's copy stops before it.
 *   <li>{@code FUNCTION_CONTEXT}: a condition function in an update ({@code SET a = size(b)}) or
 *       an update function in a condition is "Invalid function name" in dynalite; DynamoDB says "The
 *       function is not allowed in an update expression" (or "in a condition expression"), as
 *       several implementations checked against DynamoDB report.
 *   <li>{@code ORDER_OPERAND_TYPE}: {@code a < :v} (or BETWEEN) where the request's {@code :v} is
 *       not a number, string or binary is a ValidationException in DynamoDB ("Incorrect operand type
 *       for operator or function; operator or function: <, operand type: LIST"), as ScyllaDB's
 *       alternator tests find against DynamoDB; dynalite evaluates it (false, or true under NOT).
 *   <li>{@code REMOVE_CREATES_NOTHING}: an UpdateItem of an absent item whose actions only
 *       REMOVE or DELETE creates the item (its key alone) in dynalite; DynamoDB creates nothing
 *       (ScyllaDB's alternator test_update_item_non_existent, run against DynamoDB).
 *   <li>{@code ON_FAILURE_ITEM}: dynalite ignores ReturnValuesOnConditionCheckFailure; DynamoDB
 *       returns the current item beside ConditionalCheckFailedException when it is ALL_OLD. The
 *       error is compared; the item is checked against the starting item instead.
 * </ul>
 */
class ExpressionDifferentialIT {

  private static final int CASES = 8000;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final KeySchema KEYS = new KeySchema("pk", "S", "sk", "N");
  private static final String[] ATTRIBUTES = {"a", "b", "n", "s", "l", "m", "ss", "ns", "bs", "flag", "nul", "c"};
  private static final String[] RESERVED = {"name", "status", "size", "count", "data", "value"};

  @RegisterExtension static DynamoDbEmulatorExtension dynalite = new DynamoDbEmulatorExtension();

  private static URI endpoint;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final LocalWrites engine = new LocalWrites(new ParsedExpressions(10_000));
  private final Random random = new Random(20261201L);

  /** Ways dynalite departs from DynamoDB; see the class comment. */
  enum Departure { SYNTAX_MESSAGE, LIST_MAP_EQUALITY, BOTH_MISSING, NUMBER_LIMITS, LIST_REMOVALS, ON_FAILURE_ITEM, DOUBLE_NOT, BOOL_FALSE, EMPTY_UPDATED_ATTRIBUTES, OPERAND_TYPE_SET, FUNCTION_CONTEXT, ORDER_OPERAND_TYPE, REMOVE_CREATES_NOTHING }

  @BeforeAll
  static void createTable() throws Exception {
    endpoint = dynalite.endpoint();
    String create = "{\"TableName\":\"Expr\",\"AttributeDefinitions\":[{\"AttributeName\":\"pk\",\"AttributeType\":\"S\"},"
        + "{\"AttributeName\":\"sk\",\"AttributeType\":\"N\"}],\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"},"
        + "{\"AttributeName\":\"sk\",\"KeyType\":\"RANGE\"}],\"BillingMode\":\"PAY_PER_REQUEST\"}";
    HttpClient client = HttpClient.newHttpClient();
    client.send(request("CreateTable", create), HttpResponse.BodyHandlers.ofString());
    for (int i = 0; i < 300; i++) {
      String body = client.send(request("DescribeTable", "{\"TableName\":\"Expr\"}"), HttpResponse.BodyHandlers.ofString()).body();
      if (body.contains("\"ACTIVE\"")) {
        return;
      }
      java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(50).toNanos()); // dynalite's CREATING lasts a moment
    }
  }

  @Test
  void randomWrites_whenAppliedByDynaliteAndLocally_agree() throws Exception {
    List<String> differences = new ArrayList<>();
    Map<String, Integer> counts = new TreeMap<>();
    Map<Departure, Integer> departures = new TreeMap<>();
    Map<String, Integer> outcomes = new TreeMap<>();
    int errors = 0;
    int conditionFailures = 0;
    for (int i = 0; i < cases(); i++) {
      Case c = nextCase(i);
      counts.merge(c.operation, 1, Integer::sum);
      c.constructs.forEach(k -> counts.merge(k, 1, Integer::sum));
      ObjectNode key = JSON.createObjectNode();
      key.set("pk", JSON.createObjectNode().put("S", "p" + i));
      key.set("sk", JSON.createObjectNode().put("N", Integer.toString(i % 7)));
      ObjectNode start = null;
      if (c.start != null) {
        start = c.start.deepCopy();
        start.setAll(key);
        HttpResponse<String> put = call("PutItem", "{\"TableName\":\"Expr\",\"Item\":" + start + "}");
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        start = (ObjectNode) JSON.readTree(call("GetItem", "{\"TableName\":\"Expr\",\"ConsistentRead\":true,\"Key\":" + key + "}").body()).get("Item");
      }
      ObjectNode request = c.request;
      request.put("TableName", "Expr");
      if (c.operation.equals("PutItem")) {
        ObjectNode item = (ObjectNode) request.get("Item");
        if (!c.constructs.contains("invalid:key")) {
          item.setAll(key);
        }
      } else if (!c.constructs.contains("invalid:key")) {
        request.set("Key", key);
      }
      HttpResponse<String> remote = call(c.operation, request.toString());
      ObjectNode after = (ObjectNode) JSON.readTree(call("GetItem", "{\"TableName\":\"Expr\",\"ConsistentRead\":true,\"Key\":" + key + "}").body()).get("Item");
      WriteOutcome local = evaluate(c.operation, request, start, key);
      JsonNode remoteBody = remote.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(remote.body());
      if (remote.statusCode() != 200) {
        errors++;
      }
      String message = remote.statusCode() == 200 ? "success" : remoteBody.path("message").asText();
      outcomes.merge(message.substring(0, Math.min(70, message.length())), 1, Integer::sum);
      String difference = compare(remote.statusCode(), remoteBody, after, start, local, c, departures);
      if (local instanceof WriteOutcome.Failed f && f.error().type().endsWith("ConditionalCheckFailedException")) {
        conditionFailures++;
      }
      if (difference != null) {
        differences.add("#" + i + " " + c.operation + " " + request + "\n  start:  " + start + "\n  " + difference);
      }
    }
    System.out.printf("ExpressionDifferentialIT: %d cases, %d errors from dynalite (%d failed conditions locally), %d unexplained differences%n",
        cases(), errors, conditionFailures, differences.size());
    System.out.println("ExpressionDifferentialIT: cases per construct " + counts);
    System.out.println("ExpressionDifferentialIT: departures from dynalite (DynamoDB followed) " + departures);
    outcomes.forEach((m, n) -> System.out.printf("ExpressionDifferentialIT: outcome %5d  %s%n", n, m));
    differences.stream().limit(15).forEach(System.out::println);
    assertThat(differences).isEmpty();
  }

  /** How many random cases to run. */
  int cases() {
    return CASES;
  }

  /**
   * What DynamoDB should make of the write, from the item {@code start} (null: none) at {@code key}:
   * here the engine's own verdict; {@link WriteBackExpressionDifferentialIT} asks a write-back node.
   */
  WriteOutcome evaluate(String operation, ObjectNode request, ObjectNode start, ObjectNode key) throws Exception {
    return switch (operation) {
      case "PutItem" -> engine.putItem(request, KEYS, start);
      case "UpdateItem" -> engine.updateItem(request, KEYS, start);
      default -> engine.deleteItem(request, KEYS, start);
    };
  }

  // ----- comparison --------------------------------------------------------------------------

  private static String compare(int status, JsonNode remote, ObjectNode after, ObjectNode start, WriteOutcome local, Case c,
      Map<Departure, Integer> departures) {
    if (local instanceof WriteOutcome.Unsupported u) {
      return "local: unsupported (" + u.reason() + "), dynalite: " + status + " " + remote;
    }
    if (local instanceof WriteOutcome.Failed f) {
      String remoteType = remote.path("__type").asText();
      String remoteMessage = remote.path("message").asText();
      String localMessage = f.error().getMessage();
      if (f.item() != null) {
        if (!canonical(f.item()).equals(canonical(start))) {
          return "local returned an item on condition failure that is not the starting item: " + f.item();
        }
        departures.merge(Departure.ON_FAILURE_ITEM, 1, Integer::sum);
      }
      if (status == 400 && remoteType.equals(f.error().type()) && remoteMessage.equals(localMessage)) {
        return sameItem(after, start) ? null : "item changed although the write failed: " + after;
      }
      if (status == 400 && remoteType.equals(f.error().type())
          && (localMessage.equals(remoteMessage + ", typeSet: ALLOWED_FOR_ADD_OPERAND") || localMessage.equals(remoteMessage + ", typeSet: ALLOWED_FOR_DELETE_OPERAND"))) {
        departures.merge(Departure.OPERAND_TYPE_SET, 1, Integer::sum);
        return null;
      }
      if (status == 400 && remoteType.equals(f.error().type()) && localMessage.matches(".*The function is not allowed in an? (update|condition) expression; .*")
          && remoteMessage.endsWith("Invalid function name; function: " + localMessage.substring(localMessage.lastIndexOf(' ') + 1))) {
        departures.merge(Departure.FUNCTION_CONTEXT, 1, Integer::sum);
        return null;
      }
      if (status == 400 && remoteType.equals(f.error().type()) && localMessage.contains(": Syntax error;")
          && remoteMessage.startsWith(localMessage.substring(0, localMessage.indexOf("Syntax error;") + 13))) {
        departures.merge(Departure.SYNTAX_MESSAGE, 1, Integer::sum);
        return null;
      }
      Departure d = explain(c, status, localMessage, remoteMessage, start);
      if (d != null) {
        departures.merge(d, 1, Integer::sum);
        return null;
      }
      return "dynalite: " + status + " " + remote + "\n  local:   error " + f.error().type() + " " + localMessage;
    }
    WriteOutcome.Applied applied = (WriteOutcome.Applied) local;
    if (status == 200 && start == null && applied.item() == null && c.operation.equals("UpdateItem") && after != null
        && after.size() == KEYS.size()) {
      departures.merge(Departure.REMOVE_CREATES_NOTHING, 1, Integer::sum);
      return null;
    }
    if (status == 200 && remote.path("Attributes").isObject() && remote.path("Attributes").isEmpty()
        && !applied.response().has("Attributes") && c.request.path("ReturnValues").asText().startsWith("UPDATED_")) {
      departures.merge(Departure.EMPTY_UPDATED_ATTRIBUTES, 1, Integer::sum);
      remote = JSON.createObjectNode();
    }
    if (status != 200 || !canonical(remote.path("Attributes")).equals(canonical(applied.response().path("Attributes")))
        || !sameItem(after, applied.item())) {
      Departure d = explain(c, status, null, remote.path("message").asText(), start);
      if (d != null) {
        departures.merge(d, 1, Integer::sum);
        return null;
      }
      return "dynalite: " + status + " " + remote + " item " + after + "\n  local:   " + applied.response() + " item " + applied.item();
    }
    return null;
  }

  /** The departure that explains a difference in this case, or null if none does. */
  private static Departure explain(Case c, int status, String localError, String remoteMessage, ObjectNode start) {
    String condition = c.request.path("ConditionExpression").asText();
    if (condition.contains("NOT NOT") && remoteMessage.startsWith("Invalid ConditionExpression: Syntax error;")) {
      return Departure.DOUBLE_NOT;
    }
    if (start != null && start.toString().contains("{\"BOOL\":false}")
        && (condition.contains("attribute_type(") || condition.contains(" IN (") || condition.contains(" BETWEEN "))) {
      return Departure.BOOL_FALSE;
    }
    if (localError != null && localError.matches(".*Incorrect operand type for operator or function; operator or function: (<|<=|>|>=|BETWEEN), .*")) {
      return Departure.ORDER_OPERAND_TYPE; // dynalite never makes this check
    }
    // dynalite never refuses an arithmetic result, so it answers such a case with success or with
    // whatever error comes next; the engine's refusal is DynamoDB's.
    if (localError != null && c.constructs.contains("arithmetic")
        && (localError.contains("significant digits") || localError.contains("overflow") || localError.contains("underflow"))) {
      return Departure.NUMBER_LIMITS;
    }
    if (c.departures.contains(Departure.LIST_MAP_EQUALITY)) {
      return Departure.LIST_MAP_EQUALITY;
    }
    if (c.departures.contains(Departure.BOTH_MISSING)) {
      return Departure.BOTH_MISSING;
    }
    if (c.departures.contains(Departure.LIST_REMOVALS)) {
      return Departure.LIST_REMOVALS;
    }
    return null;
  }

  private static boolean sameItem(JsonNode a, JsonNode b) {
    return canonical(a).equals(canonical(b));
  }

  /** The value with set elements sorted (DynamoDB promises no set order); null and missing alike. */
  private static JsonNode canonical(JsonNode node) {
    if (node == null || node.isMissingNode() || node.isNull()) {
      return JSON.nullNode();
    }
    if (node.isObject()) {
      ObjectNode out = JSON.createObjectNode();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (Set.of("SS", "NS", "BS").contains(e.getKey()) && e.getValue().isArray()) {
          List<String> elements = new ArrayList<>();
          e.getValue().forEach(v -> elements.add(v.asText()));
          elements.sort(null);
          ArrayNode sorted = out.putArray(e.getKey());
          elements.forEach(sorted::add);
        } else {
          out.set(e.getKey(), canonical(e.getValue()));
        }
      }
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = JSON.createArrayNode();
      node.forEach(v -> out.add(canonical(v)));
      return out;
    }
    return node;
  }

  // ----- random cases ------------------------------------------------------------------------

  /** One random write: the starting item (null: none), the request, and what it exercises. */
  private static final class Case {
    String operation;
    ObjectNode start;
    ObjectNode request = JSON.createObjectNode();
    final Set<String> constructs = new LinkedHashSet<>();
    final Set<Departure> departures = new LinkedHashSet<>();
    final Map<String, String> names = new LinkedHashMap<>();
    final Map<String, JsonNode> values = new LinkedHashMap<>();
  }

  private Case nextCase(int i) {
    Case c = new Case();
    c.start = random.nextInt(5) == 0 ? null : randomItem();
    int op = random.nextInt(10);
    c.operation = op < 3 ? "PutItem" : op < 9 ? "UpdateItem" : "DeleteItem";
    if (c.operation.equals("PutItem")) {
      c.request.set("Item", randomItem());
    }
    if (c.operation.equals("UpdateItem")) {
      c.request.put("UpdateExpression", update(c));
    }
    if (random.nextInt(20) < 9) {
      c.request.put("ConditionExpression", condition(c, 0));
    }
    String[] returnValues = c.operation.equals("UpdateItem")
        ? new String[] {"NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"} : new String[] {"NONE", "ALL_OLD"};
    if (random.nextBoolean()) {
      c.request.put("ReturnValues", returnValues[random.nextInt(returnValues.length)]);
    }
    if (random.nextInt(6) == 0) {
      c.request.put("ReturnValuesOnConditionCheckFailure", random.nextBoolean() ? "ALL_OLD" : "NONE");
    }
    invalidate(c);
    if (random.nextInt(250) == 0) {
      oversize(c);
    }
    if (!c.names.isEmpty()) {
      ObjectNode names = c.request.putObject("ExpressionAttributeNames");
      c.names.forEach(names::put);
    }
    if (!c.values.isEmpty()) {
      ObjectNode values = c.request.putObject("ExpressionAttributeValues");
      c.values.forEach(values::set);
    }
    return c;
  }

  /** Makes about one case in six invalid in one of the ways DynamoDB reports. */
  private void invalidate(Case c) {
    if (random.nextInt(6) != 0) {
      return;
    }
    boolean hasExpression = c.request.has("UpdateExpression") || c.request.has("ConditionExpression");
    String field = c.request.has("ConditionExpression") ? "ConditionExpression" : c.request.has("UpdateExpression") ? "UpdateExpression" : null;
    switch (random.nextInt(11)) {
      case 0 -> {
        c.values.put(":unused", JSON.createObjectNode().put("S", "u"));
        c.constructs.add("invalid:unusedValue");
      }
      case 1 -> {
        c.names.put("#unused", "zz");
        c.constructs.add("invalid:unusedName");
      }
      case 2 -> {
        if (field != null) {
          c.request.put(field, c.request.get(field).asText() + (field.equals("ConditionExpression") ? " AND" : " ,"));
          c.constructs.add("invalid:syntax");
        }
      }
      case 3 -> {
        if (field != null) {
          String word = RESERVED[random.nextInt(RESERVED.length)];
          c.request.put(field, field.equals("ConditionExpression")
              ? "attribute_exists(" + word + ") OR " + c.request.get(field).asText()
              : c.request.get(field).asText() + ", " + word + " = :reservedv");
          if (field.equals("UpdateExpression")) {
            c.values.put(":reservedv", JSON.createObjectNode().put("N", "1"));
          }
          c.constructs.add("invalid:reservedWord");
        }
      }
      case 4 -> {
        if (field != null) {
          c.request.put(field, field.equals("ConditionExpression")
              ? "#undefined = :undefinedv OR " + c.request.get(field).asText()
              : c.request.get(field).asText() + ", #undefined = :undefinedv");
          c.constructs.add("invalid:undefinedPlaceholder");
        }
      }
      case 5 -> {
        if (c.request.has("ConditionExpression")) {
          String[] bad = {"attribute_exists(a, b)", "begins_with(a)", "unknown_fn(a)", "size(a)", "attribute_type(a, :badtype)",
              "begins_with(a, :badnum)", "a BETWEEN :hi AND :lo", "attribute_exists(:badnum)", "a = a", "contains(a)"};
          String b = bad[random.nextInt(bad.length)];
          c.values.putIfAbsent(":badtype", JSON.createObjectNode().put("S", "STRING"));
          c.values.putIfAbsent(":badnum", JSON.createObjectNode().put("N", "5"));
          c.values.putIfAbsent(":hi", JSON.createObjectNode().put("N", "9"));
          c.values.putIfAbsent(":lo", JSON.createObjectNode().put("N", "1"));
          c.request.put("ConditionExpression", b + " AND (" + c.request.get("ConditionExpression").asText() + ")");
          dropUnusedBadValues(c, b);
          c.constructs.add("invalid:function");
        }
      }
      case 6 -> {
        if (c.operation.equals("UpdateItem")) {
          String[] bad = {"SET pk = :kv", "ADD a :str", "DELETE ss :num", "SET a = size(b)", "SET a = b + :str", "SET a = list_append(:num, l)",
              "SET a = :num, a = :num", "SET m.x = :num, m = :num", "SET l[0] = :num, l.x = :num", "SET a = :num REMOVE b SET c = :num",
              "SET a = if_not_exists(:num, :num)", "SET a = if_not_exists(b)"};
          String b = bad[random.nextInt(bad.length)];
          c.names.clear();
          c.values.clear();
          c.request.remove("ConditionExpression");
          if (b.contains(":kv")) {
            c.values.put(":kv", JSON.createObjectNode().put("S", "x"));
          }
          if (b.contains(":str")) {
            c.values.put(":str", JSON.createObjectNode().put("S", "x"));
          }
          if (b.contains(":num")) {
            c.values.put(":num", JSON.createObjectNode().put("N", "3"));
          }
          c.request.put("UpdateExpression", b);
          c.constructs.add("invalid:updateRule");
        }
      }
      case 7 -> {
        String[] bad = {"{\"SS\":[]}", "{\"N\":\"1e200\"}", "{\"N\":\"12345678901234567890123456789012345678901\"}", "{\"N\":\"x1\"}",
            "{\"SS\":[\"a\",\"a\"]}", "{}", "{\"S\":\"a\",\"N\":\"1\"}", "{\"NULL\":false}", "{\"NS\":[\"1\",\"1.0\"]}"};
        try {
          JsonNode v = JSON.readTree(bad[random.nextInt(bad.length)]);
          if (hasExpression) {
            c.values.put(":badvalue", v);
          } else if (c.operation.equals("PutItem")) {
            ((ObjectNode) c.request.get("Item")).set("bad", v);
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
        c.constructs.add("invalid:attributeValue");
      }
      case 8 -> {
        c.request.set(c.operation.equals("PutItem") ? "Item" : "Key", JSON.createObjectNode().set("pk", JSON.createObjectNode().put("N", "1")));
        c.constructs.add("invalid:key");
      }
      case 9 -> {
        if (c.request.has("ConditionExpression")) {
          c.request.put("ConditionExpression", "((" + c.request.get("ConditionExpression").asText() + "))");
          c.constructs.add("invalid:redundantParentheses");
        }
      }
      default -> {
        if (field != null) {
          c.request.put(field, "");
          c.constructs.add("invalid:empty");
        }
      }
    }
  }

  /** An item grown past 400 KB: a put of one, or an update that copies a 250 KB attribute. */
  private void oversize(Case c) {
    String big = "x".repeat(250 * 1024);
    c.names.clear();
    c.values.clear();
    c.request.remove("ConditionExpression");
    c.request.remove("ReturnValuesOnConditionCheckFailure");
    if (c.operation.equals("PutItem")) {
      ObjectNode item = (ObjectNode) c.request.get("Item");
      item.set("big", JSON.createObjectNode().put("S", big));
      item.set("big2", JSON.createObjectNode().put("S", big));
    } else {
      c.operation = "UpdateItem";
      c.request.remove("Item");
      c.request.remove("ReturnValues");
      c.start = c.start == null ? JSON.createObjectNode() : c.start;
      c.start.set("big", JSON.createObjectNode().put("S", big));
      c.request.put("UpdateExpression", "SET twin = big");
    }
    c.constructs.add("invalid:itemSize");
  }

  private static void dropUnusedBadValues(Case c, String used) {
    for (String v : List.of(":badtype", ":badnum", ":hi", ":lo")) {
      if (!used.contains(v) && !c.request.path("UpdateExpression").asText().contains(v)) {
        c.values.remove(v);
      }
    }
  }

  private String condition(Case c, int depth) {
    int choice = random.nextInt(depth >= 2 ? 9 : 13);
    switch (choice) {
      case 0, 1 -> {
        String[] ops = {"=", "<>", "<", "<=", ">", ">="};
        String op = ops[random.nextInt(ops.length)];
        String path = path(c);
        if (random.nextInt(6) == 0) {
          String other = path(c);
          c.constructs.add("comparison:pathPath");
          if (other.equals(path)) {
            return path + " " + op + " :pp" + c.values.size() + "x" + depth + depthValue(c, ":pp" + c.values.size() + "x" + depth, randomValue(0));
          }
          markEquality(c, op, path);
          markEquality(c, op, other);
          c.departures.add(Departure.BOTH_MISSING);
          return path + " " + op + " " + other;
        }
        JsonNode v = op.equals("=") || op.equals("<>") ? randomValue(0) : orderedValue();
        c.constructs.add(op.equals("=") || op.equals("<>") ? "comparison:equality" : "comparison:order");
        if (Set.of("L", "M").contains(v.fieldNames().next())) {
          c.departures.add(Departure.LIST_MAP_EQUALITY);
        }
        markEquality(c, op, path);
        return path + " " + op + " " + value(c, v);
      }
      case 2 -> {
        c.constructs.add("between");
        boolean numbers = random.nextBoolean();
        String lo = numbers ? Integer.toString(random.nextInt(20) - 5) : Character.toString('a' + random.nextInt(13));
        String hi = numbers ? Integer.toString(Integer.parseInt(lo) + random.nextInt(20)) : Character.toString(lo.charAt(0) + random.nextInt(13));
        String type = numbers ? "N" : "S";
        return path(c) + " BETWEEN " + value(c, JSON.createObjectNode().put(type, lo)) + " AND " + value(c, JSON.createObjectNode().put(type, hi));
      }
      case 3 -> {
        c.constructs.add("in");
        String path = path(c);
        StringBuilder list = new StringBuilder();
        int n = 1 + random.nextInt(3);
        for (int k = 0; k < n; k++) {
          JsonNode v = randomValue(0);
          if (Set.of("L", "M").contains(v.fieldNames().next())) {
            c.departures.add(Departure.LIST_MAP_EQUALITY);
          }
          list.append(k > 0 ? ", " : "").append(value(c, v));
        }
        markEquality(c, "=", path);
        return path + " IN (" + list + ")";
      }
      case 4 -> {
        c.constructs.add("attribute_exists");
        return "attribute_exists(" + path(c) + ")";
      }
      case 5 -> {
        c.constructs.add("attribute_not_exists");
        return "attribute_not_exists(" + path(c) + ")";
      }
      case 6 -> {
        c.constructs.add("attribute_type");
        String[] types = {"S", "N", "B", "BOOL", "NULL", "SS", "NS", "BS", "L", "M"};
        return "attribute_type(" + path(c) + ", " + value(c, JSON.createObjectNode().put("S", types[random.nextInt(types.length)])) + ")";
      }
      case 7 -> {
        c.constructs.add("begins_with");
        return "begins_with(" + path(c) + ", " + value(c, random.nextInt(4) == 0
            ? JSON.createObjectNode().put("B", "AQ==") : JSON.createObjectNode().put("S", Character.toString('a' + random.nextInt(4)))) + ")";
      }
      case 8 -> {
        String[] kinds = {"contains", "size"};
        if (kinds[random.nextInt(2)].equals("contains")) {
          c.constructs.add("contains");
          JsonNode v = random.nextBoolean() ? JSON.createObjectNode().put("S", Character.toString('a' + random.nextInt(4)))
              : JSON.createObjectNode().put("N", Integer.toString(random.nextInt(4)));
          String path = path(c);
          markEquality(c, "=", path);
          return "contains(" + path + ", " + value(c, v) + ")";
        }
        c.constructs.add("size");
        String[] ops = {"=", "<>", "<", "<=", ">", ">="};
        return "size(" + path(c) + ") " + ops[random.nextInt(ops.length)] + " " + value(c, JSON.createObjectNode().put("N", Integer.toString(random.nextInt(5))));
      }
      case 9, 10 -> {
        c.constructs.add(choice == 9 ? "and" : "or");
        String joined = condition(c, depth + 1) + (choice == 9 ? " AND " : " OR ") + condition(c, depth + 1);
        return random.nextInt(3) == 0 ? "(" + joined + ")" : joined;
      }
      case 11 -> {
        c.constructs.add("not");
        return "NOT " + condition(c, depth + 1);
      }
      default -> {
        c.constructs.add("parentheses");
        return "(" + condition(c, depth + 1) + ")" + (random.nextBoolean() ? " AND " + condition(c, depth + 1) : "");
      }
    }
  }

  private static String depthValue(Case c, String name, JsonNode v) {
    c.values.put(name, v);
    return "";
  }

  /** Equality on a path that may hold a list or map in the starting item departs in dynalite. */
  private static void markEquality(Case c, String op, String path) {
    if (c.start == null || !(op.equals("=") || op.equals("<>"))) {
      return;
    }
    String root = path.split("[.\\[]")[0];
    String name = root.startsWith("#") ? c.names.get(root) : root;
    JsonNode v = name == null ? null : c.start.get(name);
    if (v != null && (v.has("L") || v.has("M"))) {
      c.departures.add(Departure.LIST_MAP_EQUALITY);
    }
  }

  private String update(Case c) {
    List<String> set = new ArrayList<>();
    List<String> remove = new ArrayList<>();
    List<String> add = new ArrayList<>();
    List<String> delete = new ArrayList<>();
    Set<String> roots = new LinkedHashSet<>();
    int listRemovals = 0;
    int n = 1 + random.nextInt(3);
    for (int k = 0; k < n; k++) {
      Map<String, String> namesBefore = new LinkedHashMap<>(c.names);
      String path = path(c);
      String root = path.split("[.\\[]")[0];
      root = root.startsWith("#") ? c.names.get(root) : root;
      if (!roots.add(root)) {
        c.names.clear(); // overlapping paths are tested on purpose elsewhere; this one is dropped
        c.names.putAll(namesBefore);
        continue;
      }
      switch (random.nextInt(8)) {
        case 0, 1 -> {
          c.constructs.add("set:value");
          set.add(path + " = " + value(c, randomValue(0)));
        }
        case 2 -> {
          c.constructs.add("set:arithmetic");
          c.constructs.add("arithmetic");
          String[] numbers = {"1", "-1", "2.5", "1E+125", "9.9999999999999999999999999999999999999E+125", "0.00000000000000000000000000000000000001", "1E-130"};
          String number = numbers[random.nextInt(random.nextInt(3) == 0 ? numbers.length : 3)];
          String operand = random.nextBoolean() ? path : ATTRIBUTES[random.nextInt(ATTRIBUTES.length)];
          set.add(path + " = " + operand + (random.nextBoolean() ? " + " : " - ") + value(c, JSON.createObjectNode().put("N", number)));
        }
        case 3 -> {
          c.constructs.add("set:if_not_exists");
          set.add(path + " = if_not_exists(" + path + ", " + value(c, randomValue(0)) + ")");
        }
        case 4 -> {
          c.constructs.add("set:list_append");
          ArrayNode list = JSON.createArrayNode().add(randomValue(1));
          JsonNode l = JSON.createObjectNode().set("L", list);
          set.add(path + " = " + (random.nextBoolean() ? "list_append(" + path + ", " + value(c, l) + ")" : "list_append(" + value(c, l) + ", " + path + ")"));
        }
        case 5 -> {
          c.constructs.add(path.contains("[") ? "remove:listElement" : "remove");
          if (path.startsWith("l[")) {
            listRemovals++;
          }
          remove.add(path);
        }
        case 6 -> {
          c.constructs.add("add");
          JsonNode v = random.nextBoolean() ? JSON.createObjectNode().put("N", random.nextInt(3) == 0 ? "1E+125" : "3")
              : random.nextBoolean() ? set("SS", "a", "b", "q") : set("NS", "1", "2", "7");
          if (v.has("N")) {
            c.constructs.add("arithmetic");
          }
          add.add(path + " " + value(c, v));
        }
        default -> {
          c.constructs.add("delete");
          delete.add(path + " " + value(c, random.nextBoolean() ? set("SS", "a", "b", "x") : set("NS", "1", "7")));
        }
      }
    }
    if (random.nextInt(40) == 0) {
      remove.add(name(c, "l") + "[0]");
      remove.add("l[2]");
      c.constructs.add("remove:listElement");
      listRemovals += 2;
    }
    if (listRemovals > 1) {
      c.departures.add(Departure.LIST_REMOVALS);
    }
    StringBuilder out = new StringBuilder();
    appendSection(out, "SET", set);
    appendSection(out, "REMOVE", remove);
    appendSection(out, "ADD", add);
    appendSection(out, "DELETE", delete);
    return out.toString().trim();
  }

  private void appendSection(StringBuilder out, String keyword, List<String> actions) {
    if (!actions.isEmpty()) {
      out.append(random.nextBoolean() ? keyword : keyword.toLowerCase()).append(' ').append(String.join(", ", actions)).append(' ');
    }
  }

  private String path(Case c) {
    return switch (random.nextInt(6)) {
      case 0 -> name(c, "m") + "." + name(c, random.nextBoolean() ? "x" : "y");
      case 1 -> name(c, "l") + "[" + random.nextInt(random.nextInt(4) == 0 ? 8 : 3) + "]";
      case 2 -> name(c, "m") + "." + name(c, "z") + "." + name(c, "q");
      default -> name(c, ATTRIBUTES[random.nextInt(ATTRIBUTES.length)]);
    };
  }

  /** The name as written: literally, or through a placeholder a third of the time. */
  private String name(Case c, String name) {
    if (random.nextInt(3) != 0) {
      return name;
    }
    String placeholder = "#" + name;
    c.names.put(placeholder, name);
    return placeholder;
  }

  private static String value(Case c, JsonNode v) {
    String name = ":v" + c.values.size();
    c.values.put(name, v);
    return name;
  }

  private JsonNode orderedValue() {
    return random.nextBoolean() ? JSON.createObjectNode().put("N", Integer.toString(random.nextInt(20) - 5))
        : random.nextInt(4) == 0 ? JSON.createObjectNode().put("B", random.nextBoolean() ? "AQ==" : "AgM=")
        : JSON.createObjectNode().put("S", Character.toString('a' + random.nextInt(6)));
  }

  private ObjectNode randomItem() {
    ObjectNode item = JSON.createObjectNode();
    for (String attribute : ATTRIBUTES) {
      if (random.nextInt(3) > 0) {
        item.set(attribute, attribute.equals("l") ? list() : attribute.equals("m") ? map(0) : randomValue(1));
      }
    }
    return item;
  }

  private JsonNode list() {
    ArrayNode elements = JSON.createArrayNode();
    int n = random.nextInt(5);
    for (int i = 0; i < n; i++) {
      elements.add(randomValue(1));
    }
    return JSON.createObjectNode().set("L", elements);
  }

  private JsonNode map(int depth) {
    ObjectNode members = JSON.createObjectNode();
    for (String name : new String[] {"x", "y", "z"}) {
      if (random.nextBoolean()) {
        members.set(name, name.equals("z") && depth == 0 ? map(1) : randomValue(1));
      }
    }
    if (depth == 1 && random.nextBoolean()) {
      members.set("q", randomValue(1));
    }
    return JSON.createObjectNode().set("M", members);
  }

  private JsonNode randomValue(int depth) {
    return switch (random.nextInt(depth > 0 ? 9 : 11)) {
      case 0, 1 -> JSON.createObjectNode().put("S", Character.toString('a' + random.nextInt(4)) + (random.nextBoolean() ? "bc" : ""));
      case 2, 3 -> JSON.createObjectNode().put("N", new String[] {"0", "1", "2.50", "-3", "1e2", "7"}[random.nextInt(6)]);
      case 4 -> JSON.createObjectNode().put("BOOL", random.nextBoolean());
      case 5 -> JSON.createObjectNode().put("NULL", true);
      case 6 -> set("SS", "a", "b", "c");
      case 7 -> set("NS", "1", "2", "7");
      case 8 -> random.nextBoolean() ? JSON.createObjectNode().put("B", "AQI=") : set("BS", "AQ==", "Ag==");
      case 9 -> list();
      default -> map(1);
    };
  }

  private JsonNode set(String type, String... pool) {
    ArrayNode elements = JSON.createArrayNode();
    for (String e : pool) {
      if (elements.isEmpty() || random.nextBoolean()) {
        elements.add(e);
      }
    }
    return JSON.createObjectNode().set(type, elements);
  }

  // ----- HTTP --------------------------------------------------------------------------------

  private HttpResponse<String> call(String operation, String body) throws Exception {
    return http.send(request(operation, body), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest request(String operation, String body) {
    return HttpRequest.newBuilder(endpoint)
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/x-amz-json-1.0")
        .header("X-Amz-Target", "DynamoDB_20120810." + operation)
        .header("X-Amz-Date", "20260101T000000Z")
        .header("Authorization", "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }
}
