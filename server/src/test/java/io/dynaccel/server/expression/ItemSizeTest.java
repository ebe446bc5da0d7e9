package io.dynaccel.server.expression;

import static io.dynaccel.server.expression.Requests.json;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Item sizes by DynamoDB's rules. */
class ItemSizeTest {

  @Test
  void of_whenStringsHoldMultiByteCharacters_countsUtf8Bytes() {
    // name "s" 1 + "é" 2 + "𝄞" 4
    assertThat(ItemSize.of(json("{'s':{'S':'\u00e9\uD834\uDD1E'}}"))).isEqualTo(7);
  }

  @Test
  void of_whenNumbersListsAndMaps_addsDigitsAndOverheads() {
    // "n" 1 + (1 + 3 significant digits rounded up to 2 bytes) = 4
    assertThat(ItemSize.of(json("{'n':{'N':'1.25'}}"))).isEqualTo(4);
    // "l" 1 + 3 + (1 + 1 BOOL) + (1 + 1 NULL) = 8
    assertThat(ItemSize.of(json("{'l':{'L':[{'BOOL':true},{'NULL':true}]}}"))).isEqualTo(8);
    // "m" 1 + 3 + 1 member + ("x" 1 + "ab" 2) = 8
    assertThat(ItemSize.of(json("{'m':{'M':{'x':{'S':'ab'}}}}"))).isEqualTo(8);
  }
}
