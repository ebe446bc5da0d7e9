package io.dynaccel.server.expression;

import static io.dynaccel.server.expression.Requests.delete;
import static io.dynaccel.server.expression.Requests.error;
import static io.dynaccel.server.expression.Requests.update;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Every validation error of conditions, names and values, with DynamoDB's message. */
class ExpressionValidationTest {

  private static String condition(String expression, String values) {
    return error(delete("'ConditionExpression':'" + expression + "'" + (values.isEmpty() ? "" : ",'ExpressionAttributeValues':" + values), null));
  }

  @Test
  void syntax_whenTokenUnexpected_reportsTokenAndNear() {
    assertThat(condition("a = = :v", "{':v':{'S':'x'}}")).isEqualTo("Invalid ConditionExpression: Syntax error; token: \"=\", near: \"= = :v\"");
    assertThat(condition("a = :v AND", "{':v':{'S':'x'}}")).isEqualTo("Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"AND\"");
    assertThat(condition("a ! :v", "{':v':{'S':'x'}}")).isEqualTo("Invalid ConditionExpression: Syntax error; token: \"!\", near: \"a ! :v\"");
    assertThat(condition("INVALID SYNTAX HERE", "")).isEqualTo("Invalid ConditionExpression: Syntax error; token: \"SYNTAX\", near: \"INVALID SYNTAX HERE\"");
    assertThat(condition("a[x] = :v", "{':v':{'S':'x'}}")).isEqualTo("Invalid ConditionExpression: Syntax error; token: \"x\", near: \"[x]\"");
    assertThat(condition("attribute_type()", "")).isEqualTo("Invalid ConditionExpression: Syntax error; token: \")\", near: \"()\"");
    assertThat(condition("a = :v AND ", "{':v':{'S':'x'}}")).isEqualTo("Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"AND \"");
  }

  @Test
  void empty_whenExpressionIsEmpty_isRefused() {
    assertThat(condition("", "")).isEqualTo("Invalid ConditionExpression: The expression can not be empty;");
  }

  @Test
  void reservedWord_whenUsedAsName_isRefused() {
    assertThat(condition("attribute_exists(Status)", "")).isEqualTo("Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: Status");
  }

  @Test
  void placeholders_whenUndefined_areRefused() {
    assertThat(condition("#a = :v", "{':v':{'S':'x'}}"))
        .isEqualTo("Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #a");
    assertThat(condition("a = :w", "{':v':{'S':'x'}}"))
        .isEqualTo("Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :w");
  }

  @Test
  void placeholders_whenUnused_areRefusedInRequestOrder() {
    assertThat(error(delete("'ConditionExpression':'a = :v','ExpressionAttributeNames':{'#x':'x','#y':'y'},'ExpressionAttributeValues':{':v':{'S':'x'}}", null)))
        .isEqualTo("Value provided in ExpressionAttributeNames unused in expressions: keys: {#x, #y}");
    assertThat(condition("a = :v", "{':v':{'S':'x'},':w':{'S':'y'}}"))
        .isEqualTo("Value provided in ExpressionAttributeValues unused in expressions: keys: {:w}");
  }

  @Test
  void placeholderMaps_whenEmptyOrBadKeys_areRefused() {
    assertThat(error(delete("'ConditionExpression':'a = :v','ExpressionAttributeNames':{},'ExpressionAttributeValues':{':v':{'S':'x'}}", null)))
        .isEqualTo("ExpressionAttributeNames must not be empty");
    assertThat(condition("a = :v", "{}")).isEqualTo("ExpressionAttributeValues must not be empty");
    assertThat(condition("a = :v", "{'v':{'S':'x'}}")).isEqualTo("ExpressionAttributeValues contains invalid key: Syntax error; key: \"v\"");
    assertThat(error(delete("'ConditionExpression':'a = :v','ExpressionAttributeNames':{'x':'x'},'ExpressionAttributeValues':{':v':{'S':'x'}}", null)))
        .isEqualTo("ExpressionAttributeNames contains invalid key: Syntax error; key: \"x\"");
  }

  @Test
  void placeholderMaps_whenNoExpression_areRefused() {
    assertThat(error(delete("'ExpressionAttributeNames':{'#x':'x'}", null))).isEqualTo("ExpressionAttributeNames can only be specified when using expressions");
    assertThat(error(delete("'ExpressionAttributeValues':{':x':{'S':'x'}}", null)))
        .isEqualTo("ExpressionAttributeValues can only be specified when using expressions: ConditionExpression is null");
    assertThat(error(update("'ExpressionAttributeValues':{':x':{'S':'x'}}", null)))
        .isEqualTo("ExpressionAttributeValues can only be specified when using expressions: UpdateExpression and ConditionExpression are null");
  }

  @Test
  void values_whenInvalid_areRefusedWithTheirKey() {
    assertThat(condition("a = :v", "{':v':{'SS':[]}}"))
        .isEqualTo("ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: An string set  may not be empty for key :v");
    assertThat(condition("a = :v", "{':v':{'N':'1e126'}}"))
        .isEqualTo("ExpressionAttributeValues contains invalid value: Number overflow. Attempting to store a number with magnitude larger than supported range for key :v");
    assertThat(condition("a = :v", "{':v':{'NS':['1','1.0']}}")).isEqualTo("ExpressionAttributeValues contains invalid value: Input collection contains duplicates for key :v");
    assertThat(condition("a = :v", "{':v':{}}"))
        .isEqualTo("ExpressionAttributeValues contains invalid value: Supplied AttributeValue is empty, must contain exactly one of the supported datatypes for key :v");
    assertThat(condition("a = :v", "{':v':{'NULL':false}}"))
        .isEqualTo("ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: Null attribute value types must have the value of true for key :v");
  }

  @Test
  void functions_whenUnknownOrMisused_areRefused() {
    assertThat(condition("nope(a)", "")).isEqualTo("Invalid ConditionExpression: Invalid function name; function: nope");
    assertThat(condition("if_not_exists(a, :v) = :v", "{':v':{'S':'x'}}"))
        .isEqualTo("Invalid ConditionExpression: The function is not allowed in a condition expression; function: if_not_exists");
    assertThat(condition("size(a)", "")).isEqualTo("Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: size");
    assertThat(condition("attribute_exists(a) = :v", "{':v':{'BOOL':true}}"))
        .isEqualTo("Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: attribute_exists");
  }

  @Test
  void functions_whenOperandCountWrong_areRefused() {
    assertThat(condition("begins_with(a)", ""))
        .isEqualTo("Invalid ConditionExpression: Incorrect number of operands for operator or function; operator or function: begins_with, number of operands: 1");
  }

  @Test
  void functions_whenOperandTypeWrong_areRefused() {
    assertThat(condition("attribute_exists(:v)", "{':v':{'S':'x'}}"))
        .isEqualTo("Invalid ConditionExpression: Operator or function requires a document path; operator or function: attribute_exists");
    assertThat(condition("begins_with(a, :v)", "{':v':{'N':'1'}}"))
        .isEqualTo("Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N");
    assertThat(condition("attribute_type(a, :v)", "{':v':{'S':'STRING'}}"))
        .isEqualTo("Invalid ConditionExpression: Invalid attribute type name found; type: STRING, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}");
    assertThat(condition("attribute_type(a, b)", ""))
        .isEqualTo("Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: attribute_type, operand type: {NS,SS,L,BS,N,M,B,BOOL,NULL,S}");
    assertThat(condition("size(:v) = :v", "{':v':{'N':'1'}}"))
        .isEqualTo("Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: size, operand type: N");
  }

  @Test
  void operands_whenSamePathTwice_areRefused() {
    assertThat(condition("a.b = a.b", ""))
        .isEqualTo("Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [a, b]");
  }

  @Test
  void between_whenBoundsMismatchOrReversed_isRefused() {
    assertThat(condition("a BETWEEN :x AND :y", "{':x':{'N':'1'},':y':{'S':'a'}}")).isEqualTo("Invalid ConditionExpression: The BETWEEN operator requires same data type "
        + "for lower and upper bounds; lower bound operand: AttributeValue: {N:1}, upper bound operand: AttributeValue: {S:a}");
    assertThat(condition("a BETWEEN :x AND :y", "{':x':{'N':'2'},':y':{'N':'1'}}")).isEqualTo("Invalid ConditionExpression: The BETWEEN operator requires upper bound "
        + "to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:2}, upper bound operand: AttributeValue: {N:1}");
  }

  @Test
  void order_whenRequestValueIsNotOrdered_isRefused() {
    assertThat(condition("a < :v", "{':v':{'L':[{'N':'1'}]}}"))
        .isEqualTo("Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: <, operand type: LIST");
    assertThat(condition("a BETWEEN :x AND :y", "{':x':{'BOOL':true},':y':{'BOOL':true}}"))
        .isEqualTo("Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: BETWEEN, operand type: BOOL");
  }

  @Test
  void parentheses_whenRedundant_areRefused() {
    assertThat(condition("((attribute_exists(a)))", "")).isEqualTo("Invalid ConditionExpression: The expression has redundant parentheses;");
  }

  @Test
  void errorOrder_whenSeveralProblems_reportsTheEarliestKind() {
    // an unknown function is reported before a reserved word, wherever each stands
    assertThat(condition("attribute_exists(Status) AND nope(a)", "")).isEqualTo("Invalid ConditionExpression: Invalid function name; function: nope");
  }
}
