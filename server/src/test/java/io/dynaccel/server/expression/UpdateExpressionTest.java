package io.dynaccel.server.expression;

import static io.dynaccel.server.expression.Requests.error;
import static io.dynaccel.server.expression.Requests.item;
import static io.dynaccel.server.expression.Requests.json;
import static io.dynaccel.server.expression.Requests.update;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Update expression semantics and every update error, by action. */
class UpdateExpressionTest {

  private static final String ITEM = "{'pk':{'S':'k'},'n':{'N':'5'},'s':{'S':'x'},'l':{'L':[{'S':'a'},{'S':'b'},{'S':'c'},{'S':'d'}]},"
      + "'m':{'M':{'x':{'N':'1'}}},'ss':{'SS':['a','b']},'ns':{'NS':['1','2']}}";

  private static WriteOutcome apply(String expression, String values) {
    return update("'UpdateExpression':'" + expression + "'" + (values.isEmpty() ? "" : ",'ExpressionAttributeValues':" + values), ITEM);
  }

  @Test
  void set_whenArithmetic_isExact() {
    assertThat(item(apply("SET n = n + :d", "{':d':{'N':'0.1'}}")).get("n")).isEqualTo(json("{'N':'5.1'}"));
    assertThat(item(apply("SET n = :d - n", "{':d':{'N':'1'}}")).get("n")).isEqualTo(json("{'N':'-4'}"));
    assertThat(item(apply("SET n = n + :d", "{':d':{'N':'12345678901234567890123456789012345678'}}")).get("n"))
        .isEqualTo(json("{'N':'12345678901234567890123456789012345683'}"));
  }

  @Test
  void set_whenResultOutsidePrecisionOrRange_isRefused() {
    assertThat(error(apply("SET n = n + :d", "{':d':{'N':'0.00000000000000000000000000000000000001'}}")))
        .isEqualTo("Number overflow. Attempting to store a number with magnitude larger than supported range");
    assertThat(error(apply("SET n = :a + :b", "{':a':{'N':'1E+50'},':b':{'N':'1'}}")))
        .isEqualTo("Number overflow. Attempting to store a number with magnitude larger than supported range");
    assertThat(error(update("'UpdateExpression':'SET n = n + :d','ExpressionAttributeValues':{':d':{'N':'9E+125'}}", "{'pk':{'S':'k'},'n':{'N':'9E+125'}}")))
        .isEqualTo("Number overflow. Attempting to store a number with magnitude larger than supported range");
    assertThat(error(update("'UpdateExpression':'SET n = n - :d','ExpressionAttributeValues':{':d':{'N':'1E-130'}}", "{'pk':{'S':'k'},'n':{'N':'1.5E-130'}}")))
        .isEqualTo("Number underflow. Attempting to store a number with magnitude smaller than supported range");
  }

  @Test
  void set_whenOperandMissingOrWrongType_isRefused() {
    assertThat(error(apply("SET n = absent + :d", "{':d':{'N':'1'}}"))).isEqualTo(UpdateApplier.MISSING_ATTRIBUTE);
    assertThat(error(apply("SET n = s + :d", "{':d':{'N':'1'}}"))).isEqualTo(UpdateApplier.WRONG_TYPE);
    assertThat(error(apply("SET n = :d + :d", "{':d':{'S':'1'}}")))
        .isEqualTo("Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, operand type: S");
  }

  @Test
  void set_whenArithmeticParenthesized_appliesTheSame() {
    assertThat(item(apply("SET n = (n - :d)", "{':d':{'N':'1'}}")).get("n")).isEqualTo(json("{'N':'4'}"));
  }

  @Test
  void set_whenIfNotExists_keepsPresentValueOrTakesDefault() {
    var after = item(apply("SET n = if_not_exists(n, :d), c = if_not_exists(c, :d)", "{':d':{'N':'0'}}"));
    assertThat(after.get("n")).isEqualTo(json("{'N':'5'}"));
    assertThat(after.get("c")).isEqualTo(json("{'N':'0'}"));
    assertThat(error(apply("SET n = if_not_exists(:d, :d)", "{':d':{'N':'0'}}")))
        .isEqualTo("Invalid UpdateExpression: Operator or function requires a document path; operator or function: if_not_exists");
  }

  @Test
  void set_whenListAppend_joinsInOrder() {
    assertThat(item(apply("SET l = list_append(:h, l)", "{':h':{'L':[{'S':'z'}]}}")).get("l").get("L").get(0)).isEqualTo(json("{'S':'z'}"));
    assertThat(error(apply("SET l = list_append(s, :h)", "{':h':{'L':[]}}"))).isEqualTo(UpdateApplier.WRONG_TYPE);
    assertThat(error(apply("SET l = list_append(l, :h)", "{':h':{'S':'q'}}")))
        .isEqualTo("Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: list_append, operand type: S");
  }

  @Test
  void set_whenNestedPathsAndIndexPastTheEnd_writesAndAppends() {
    var after = item(apply("SET m.y = :v, l[9] = :v, l[7] = :w", "{':v':{'S':'new'},':w':{'S':'w'}}"));
    assertThat(after.get("m")).isEqualTo(json("{'M':{'x':{'N':'1'},'y':{'S':'new'}}}"));
    assertThat(after.get("l").get("L")).hasSize(6);
    assertThat(after.get("l").get("L").get(4)).isEqualTo(json("{'S':'w'}"));
    assertThat(after.get("l").get("L").get(5)).isEqualTo(json("{'S':'new'}"));
  }

  @Test
  void set_whenParentMissingOrNotAContainer_isRefused() {
    assertThat(error(apply("SET absent.x = :v", "{':v':{'S':'v'}}"))).isEqualTo(UpdateApplier.INVALID_PATH);
    assertThat(error(apply("SET s[0] = :v", "{':v':{'S':'v'}}"))).isEqualTo(UpdateApplier.INVALID_PATH);
    assertThat(error(apply("SET m[0] = :v", "{':v':{'S':'v'}}"))).isEqualTo(UpdateApplier.INVALID_PATH);
  }

  @Test
  void set_whenValuesReadTheItemBeforeTheUpdate_swaps() {
    var after = item(apply("SET n = s, s = n", ""));
    assertThat(after.get("n")).isEqualTo(json("{'S':'x'}"));
    assertThat(after.get("s")).isEqualTo(json("{'N':'5'}"));
  }

  @Test
  void remove_whenListElements_removesByOriginalIndexesAndRenumbers() {
    var after = item(apply("REMOVE l[1], l[2], l[10], absent, m.x", ""));
    assertThat(after.get("l")).isEqualTo(json("{'L':[{'S':'a'},{'S':'d'}]}"));
    assertThat(after.get("m")).isEqualTo(json("{'M':{}}"));
    assertThat(after.has("absent")).isFalse();
  }

  @Test
  void add_whenNumbersAndSets_addsAndUnites() {
    var after = item(apply("ADD n :one, c :one, ss :s, ns :n, fresh :s", "{':one':{'N':'1'},':s':{'SS':['b','c']},':n':{'NS':['2.0','3']}}"));
    assertThat(after.get("n")).isEqualTo(json("{'N':'6'}"));
    assertThat(after.get("c")).isEqualTo(json("{'N':'1'}"));
    assertThat(after.get("ss")).isEqualTo(json("{'SS':['a','b','c']}"));
    assertThat(after.get("ns")).isEqualTo(json("{'NS':['1','2','3']}"));
    assertThat(after.get("fresh")).isEqualTo(json("{'SS':['b','c']}"));
  }

  @Test
  void add_whenTypesMismatch_isRefused() {
    assertThat(error(apply("ADD s :one", "{':one':{'N':'1'}}"))).isEqualTo(UpdateApplier.WRONG_TYPE);
    assertThat(error(apply("ADD ss :n", "{':n':{'NS':['1']}}"))).isEqualTo(UpdateApplier.WRONG_TYPE);
    assertThat(error(apply("ADD n :s", "{':s':{'S':'1'}}")))
        .isEqualTo("Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: STRING, typeSet: ALLOWED_FOR_ADD_OPERAND");
    assertThat(error(apply("ADD l :s", "{':s':{'L':[]}}")))
        .isEqualTo("Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: LIST, typeSet: ALLOWED_FOR_ADD_OPERAND");
  }

  @Test
  void delete_whenSetEmptied_removesTheAttribute() {
    var after = item(apply("DELETE ss :a, ns :n, absent :a", "{':a':{'SS':['a','b','z']},':n':{'NS':['1.0']}}"));
    assertThat(after.has("ss")).isFalse();
    assertThat(after.get("ns")).isEqualTo(json("{'NS':['2']}"));
    assertThat(after.has("absent")).isFalse();
  }

  @Test
  void delete_whenNotASetOperandOrTypeMismatch_isRefused() {
    assertThat(error(apply("DELETE ns :a", "{':a':{'SS':['a']}}"))).isEqualTo(UpdateApplier.WRONG_TYPE);
    assertThat(error(apply("DELETE n :one", "{':one':{'N':'1'}}")))
        .isEqualTo("Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER, typeSet: ALLOWED_FOR_DELETE_OPERAND");
  }

  @Test
  void paths_whenSameOverlappingOrConflicting_areRefused() {
    assertThat(error(apply("SET n = :v, n = :v", "{':v':{'N':'1'}}")))
        .isEqualTo("Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [n], path two: [n]");
    assertThat(error(apply("SET m.x = :v REMOVE m", "{':v':{'N':'1'}}")))
        .isEqualTo("Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [m, x], path two: [m]");
    assertThat(error(apply("SET l[0] = :v REMOVE l.x", "{':v':{'N':'1'}}")))
        .isEqualTo("Invalid UpdateExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [l, [0]], path two: [l, x]");
  }

  @Test
  void sections_whenRepeated_areRefused() {
    assertThat(error(apply("SET n = :v REMOVE s SET m = :v", "{':v':{'N':'1'}}")))
        .isEqualTo("Invalid UpdateExpression: The \"SET\" section can only be used once in an update expression;");
  }

  @Test
  void functions_whenUnknownOrWrongCount_areRefused() {
    assertThat(error(apply("SET n = size(l)", ""))).isEqualTo("Invalid UpdateExpression: The function is not allowed in an update expression; function: size");
    assertThat(error(apply("SET n = nope(l)", ""))).isEqualTo("Invalid UpdateExpression: Invalid function name; function: nope");
    assertThat(error(apply("SET n = if_not_exists(n)", "")))
        .isEqualTo("Invalid UpdateExpression: Incorrect number of operands for operator or function; operator or function: if_not_exists, number of operands: 1");
  }

  @Test
  void functions_whenNestedOrGivenSums_followDynamoDbsGrammar() {
    var after = item(apply("SET l = list_append(if_not_exists(l, :e), :t), n = if_not_exists(n, :one) + :one", "{':e':{'L':[]},':t':{'L':[{'S':'z'}]},':one':{'N':'1'}}"));
    assertThat(after.get("l").get("L")).hasSize(5);
    assertThat(after.get("n")).isEqualTo(json("{'N':'6'}"));
    assertThat(error(apply("SET l = list_append(list_append(l, :t), :t)", "{':t':{'L':[]}}")))
        .isEqualTo("Invalid UpdateExpression: The function is not allowed to be used this way in an expression; function: list_append");
    assertThat(error(apply("SET n = if_not_exists(n, :one + :one)", "{':one':{'N':'1'}}")))
        .isEqualTo("Invalid UpdateExpression: Syntax error; token: \"+\", near: \":one + :one\"");
  }

  @Test
  void names_whenStartingWithUnderscoreOrDigit_areSyntaxErrors() {
    assertThat(error(apply("SET _123 = :v", "{':v':{'N':'1'}}"))).isEqualTo("Invalid UpdateExpression: Syntax error; token: \"_\", near: \"SET _123\"");
    assertThat(error(apply("SET 1a = :v", "{':v':{'N':'1'}}"))).startsWith("Invalid UpdateExpression: Syntax error; token: \"1\"");
    assertThat(item(update("'UpdateExpression':'SET A123_ = :v, #_ = :v','ExpressionAttributeNames':{'#_':'odd name!'},'ExpressionAttributeValues':{':v':{'N':'1'}}", null))
        .has("odd name!")).isTrue();
  }

  @Test
  void keyAttribute_whenUpdated_isRefused() {
    assertThat(error(apply("SET pk = :v", "{':v':{'S':'other'}}")))
        .isEqualTo("One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key");
  }

  @Test
  void size_whenItemGrowsPast400Kb_isRefused() {
    String big = "x".repeat(300 * 1024);
    WriteOutcome outcome = update("'UpdateExpression':'SET b = a','ExpressionAttributeValues':null", "{'pk':{'S':'k'},'a':{'S':'" + big + "'}}");
    assertThat(error(outcome)).isEqualTo("Item size to update has exceeded the maximum allowed size");
  }

  @Test
  void syntax_whenActionMalformed_isRefused() {
    assertThat(error(apply("SET n", ""))).startsWith("Invalid UpdateExpression: Syntax error; token: \"<EOF>\"");
    assertThat(error(apply("UPSERT n = :v", "{':v':{'N':'1'}}"))).startsWith("Invalid UpdateExpression: Syntax error; token: \"UPSERT\"");
    assertThat(error(apply("", ""))).isEqualTo("Invalid UpdateExpression: The expression can not be empty;");
    // messages DynamoDB is reported to give for these texts
    assertThat(error(apply("INVALID SYNTAX HERE", ""))).isEqualTo("Invalid UpdateExpression: Syntax error; token: \"INVALID\", near: \"INVALID SYNTAX\"");
    assertThat(error(apply("ADD hits : incr", ""))).isEqualTo("Invalid UpdateExpression: Syntax error; token: \":\", near: \"hits : incr\"");
    assertThat(error(apply("SET a = :v, #, b = :v", "{':v':{'N':'1'}}"))).isEqualTo("Invalid UpdateExpression: Syntax error; token: \"#\", near: \", #,\"");
  }

  @Test
  void reservedWord_whenUpdated_isRefused() {
    assertThat(error(apply("SET count = :v", "{':v':{'N':'1'}}"))).isEqualTo("Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: count");
  }
}
