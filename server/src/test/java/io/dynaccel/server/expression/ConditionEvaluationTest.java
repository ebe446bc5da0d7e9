package io.dynaccel.server.expression;

import static io.dynaccel.server.expression.Requests.holds;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Condition semantics, one construct at a time, evaluated through DeleteItem. */
class ConditionEvaluationTest {

  private static final String ITEM = "{'pk':{'S':'k'},'n':{'N':'10'},'s':{'S':'abc'},'b':{'B':'AQID'},'f':{'BOOL':false},"
      + "'l':{'L':[{'S':'x'},{'N':'1'},{'M':{'q':{'S':'v'}}}]},'m':{'M':{'x':{'N':'1'},'y':{'L':[{'S':'z'}]}}},"
      + "'ss':{'SS':['a','b']},'ns':{'NS':['1','2.5']},'nul':{'NULL':true}}";

  @Test
  void equality_whenNumbersDifferInNotationOnly_holds() {
    assertThat(holds("n = :v", "{':v':{'N':'1.0E1'}}", ITEM)).isTrue();
  }

  @Test
  void equality_whenTypesDiffer_isFalse() {
    assertThat(holds("n = :v", "{':v':{'S':'10'}}", ITEM)).isFalse();
    assertThat(holds("n <> :v", "{':v':{'S':'10'}}", ITEM)).isTrue();
  }

  @Test
  void equality_whenListsAndMapsAreEqualByValue_holds() {
    assertThat(holds("l = :v", "{':v':{'L':[{'S':'x'},{'N':'1.00'},{'M':{'q':{'S':'v'}}}]}}", ITEM)).isTrue();
    assertThat(holds("m = :v", "{':v':{'M':{'y':{'L':[{'S':'z'}]},'x':{'N':'1'}}}}", ITEM)).isTrue();
    assertThat(holds("l = :v", "{':v':{'L':[{'N':'1'},{'S':'x'},{'M':{'q':{'S':'v'}}}]}}", ITEM)).isFalse();
  }

  @Test
  void equality_whenSetsHoldSameElementsInAnotherOrder_holds() {
    assertThat(holds("ss = :v", "{':v':{'SS':['b','a']}}", ITEM)).isTrue();
    assertThat(holds("ns = :v", "{':v':{'NS':['2.50','1']}}", ITEM)).isTrue();
  }

  @Test
  void comparison_whenAttributeMissing_isFalseExceptNotEqual() {
    assertThat(holds("absent = :v", "{':v':{'N':'1'}}", ITEM)).isFalse();
    assertThat(holds("absent < :v", "{':v':{'N':'1'}}", ITEM)).isFalse();
    assertThat(holds("absent <> :v", "{':v':{'N':'1'}}", ITEM)).isTrue();
    assertThat(holds("absent = absent2", "", ITEM)).isFalse();
    assertThat(holds("absent <> absent2", "", ITEM)).isTrue();
  }

  @Test
  void order_whenNumbersStringsBinaries_comparesByValueAndBytes() {
    assertThat(holds("n > :v", "{':v':{'N':'9.99'}}", ITEM)).isTrue();
    assertThat(holds("s < :v", "{':v':{'S':'abd'}}", ITEM)).isTrue();
    assertThat(holds("b >= :v", "{':v':{'B':'AQI='}}", ITEM)).isTrue();
    assertThat(holds("s <= :v", "{':v':{'S':'ab'}}", ITEM)).isFalse();
  }

  @Test
  void order_whenStringsDifferBeyondBasicPlane_comparesUtf8Bytes() {
    // U+FF5E sorts before U+1F600 in UTF-8 (and in code points) but after its surrogates in UTF-16
    assertThat(holds("s < :v", "{':v':{'S':'\uD83D\uDE00'}}", "{'s':{'S':'\uFF5E'}}")).isTrue();
  }

  @Test
  void order_whenItemValueIsNotOrdered_isFalse() {
    assertThat(holds("ss < :v", "{':v':{'S':'c'}}", ITEM)).isFalse();
    assertThat(holds("f < l", "", ITEM)).isFalse();
    assertThat(holds("l BETWEEN :a AND :b", "{':a':{'N':'1'},':b':{'N':'2'}}", ITEM)).isFalse();
  }

  @Test
  void between_whenInsideAndOutsideTheBounds_decidesInclusively() {
    assertThat(holds("n BETWEEN :a AND :b", "{':a':{'N':'10'},':b':{'N':'11'}}", ITEM)).isTrue();
    assertThat(holds("n BETWEEN :a AND :b", "{':a':{'N':'11'},':b':{'N':'12'}}", ITEM)).isFalse();
    assertThat(holds("s BETWEEN :a AND :b", "{':a':{'S':'a'},':b':{'S':'b'}}", ITEM)).isTrue();
  }

  @Test
  void in_whenOneCandidateEquals_holds() {
    assertThat(holds("n IN (:a, :b)", "{':a':{'S':'10'},':b':{'N':'10'}}", ITEM)).isTrue();
    assertThat(holds("absent IN (:a)", "{':a':{'S':'10'}}", ITEM)).isFalse();
    assertThat(holds("f IN (:a)", "{':a':{'BOOL':false}}", ITEM)).isTrue();
  }

  @Test
  void precedence_whenNotAndOrMix_bindsNotThenAndThenOr() {
    // true OR (false AND false) = true; (true OR false) AND false would be false
    assertThat(holds("attribute_exists(n) OR attribute_exists(x) AND attribute_exists(y)", "", ITEM)).isTrue();
    assertThat(holds("(attribute_exists(n) OR attribute_exists(x)) AND attribute_exists(y)", "", ITEM)).isFalse();
    assertThat(holds("NOT attribute_exists(x) AND attribute_exists(n)", "", ITEM)).isTrue();
    assertThat(holds("NOT NOT attribute_exists(n)", "", ITEM)).isTrue();
    assertThat(holds("attribute_exists(n) and not attribute_exists(x)", "", ITEM)).isTrue();
  }

  @Test
  void attributeExists_whenNestedPaths_resolvesMapsAndListIndexes() {
    assertThat(holds("attribute_exists(m.y[0])", "", ITEM)).isTrue();
    assertThat(holds("attribute_exists(l[2].q)", "", ITEM)).isTrue();
    assertThat(holds("attribute_exists(l[3])", "", ITEM)).isFalse();
    assertThat(holds("attribute_not_exists(m.x.deeper)", "", ITEM)).isTrue();
    assertThat(holds("attribute_exists(f)", "", ITEM)).isTrue();
  }

  @Test
  void attributeExists_whenNoItem_isFalse() {
    assertThat(holds("attribute_exists(pk)", "", null)).isFalse();
    assertThat(holds("attribute_not_exists(pk)", "", null)).isTrue();
  }

  @Test
  void attributeType_whenTypeMatches_holds() {
    assertThat(holds("attribute_type(f, :t)", "{':t':{'S':'BOOL'}}", ITEM)).isTrue();
    assertThat(holds("attribute_type(ns, :t)", "{':t':{'S':'SS'}}", ITEM)).isFalse();
    assertThat(holds("attribute_type(absent, :t)", "{':t':{'S':'NULL'}}", ITEM)).isFalse();
  }

  @Test
  void beginsWith_whenStringOrBinaryPrefix_holds() {
    assertThat(holds("begins_with(s, :p)", "{':p':{'S':'ab'}}", ITEM)).isTrue();
    assertThat(holds("begins_with(b, :p)", "{':p':{'B':'AQI='}}", ITEM)).isTrue();
    assertThat(holds("begins_with(s, :p)", "{':p':{'S':'b'}}", ITEM)).isFalse();
  }

  @Test
  void contains_whenSubstringSetMemberOrListElement_holds() {
    assertThat(holds("contains(s, :p)", "{':p':{'S':'bc'}}", ITEM)).isTrue();
    assertThat(holds("contains(ss, :p)", "{':p':{'S':'b'}}", ITEM)).isTrue();
    assertThat(holds("contains(ns, :p)", "{':p':{'N':'2.50'}}", ITEM)).isTrue();
    assertThat(holds("contains(l, :p)", "{':p':{'M':{'q':{'S':'v'}}}}", ITEM)).isTrue();
    assertThat(holds("contains(ss, :p)", "{':p':{'N':'1'}}", ITEM)).isFalse();
  }

  @Test
  void size_whenStringBinarySetListMap_countsElements() {
    assertThat(holds("size(s) = :n", "{':n':{'N':'3'}}", ITEM)).isTrue();
    assertThat(holds("size(b) = :n", "{':n':{'N':'3'}}", ITEM)).isTrue();
    assertThat(holds("size(l) = :n", "{':n':{'N':'3'}}", ITEM)).isTrue();
    assertThat(holds("size(m) = :n", "{':n':{'N':'2'}}", ITEM)).isTrue();
    assertThat(holds("size(n) = :n", "{':n':{'N':'2'}}", ITEM)).isFalse();
    assertThat(holds("size(absent) < :n", "{':n':{'N':'2'}}", ITEM)).isFalse();
  }

  @Test
  void size_whenStringOutsideBasicPlane_countsUtf16Units() {
    assertThat(holds("size(s) = :n", "{':n':{'N':'3'}}", "{'s':{'S':'\u00e9\uD834\uDD1E'}}")).isTrue();
  }

  @Test
  void placeholders_whenNamesResolveReservedWords_evaluate() {
    assertThat(Requests.delete("'ConditionExpression':'#s = :v','ExpressionAttributeNames':{'#s':'status'},'ExpressionAttributeValues':{':v':{'S':'on'}}",
        "{'pk':{'S':'k'},'status':{'S':'on'}}")).isInstanceOf(WriteOutcome.Applied.class);
  }
}
