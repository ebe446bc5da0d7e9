package io.dynaccel.server.item;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * DynamoDB's number grammar (issue 8, cause 4: keys DynamoDB cannot parse were served from the
 * cache because Java's BigDecimal reads {@code "+1"}, {@code "١"} and {@code "１"}).
 */
class DynamoDbNumberTest {

  private static final String NOT_A_NUMBER = "The parameter cannot be converted to a numeric value: ";
  private static final String OVERFLOW = "Number overflow. Attempting to store a number with magnitude larger than supported range";
  private static final String UNDERFLOW = "Number underflow. Attempting to store a number with magnitude smaller than supported range";
  private static final String TOO_PRECISE = "Attempting to store more than 38 significant digits in a Number";

  // The canonical texts are what DynamoDB (and dynalite) return after storing the number.
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
    "1|1",
    "001.500|1.5",
    "1e2|100",
    "1E+2|100",
    "1e+0|1",
    "-0.0|0",
    "-0|0",
    "0|0",
    "0.000|0",
    "0e999999999999|0",
    "2.50|2.5",
    ".5|0.5",
    "-.5|-0.5",
    "5.|5",
    "1.e3|1000",
    "-1.5e-3|-0.0015",
    "0010|10",
    "-5e-1|-0.5",
    "123.456e1|1234.56",
    "0.00001e5|1",
    "-17.4E37|-174000000000000000000000000000000000000",
    // 38 significant digits, the most DynamoDB stores
    "12345678901234567890123456789012345678|12345678901234567890123456789012345678",
    "3.1415926535897932384626433832795028841|3.1415926535897932384626433832795028841",
    // trailing zeros of an integer are not significant
    "100000000000000000000000000000000000000000000|100000000000000000000000000000000000000000000",
    // the largest magnitude: 9.9999999999999999999999999999999999999E+125, either sign
    "9.9999999999999999999999999999999999999E+125|999999999999999999999999999999999999990000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
    "-9.9999999999999999999999999999999999999E+125|-999999999999999999999999999999999999990000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
    // the smallest magnitude: 1E-130, either sign, however it is spelled
    "1e-130|0.0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001",
    "-1E-130|-0.0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001",
    "0.1e-129|0.0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001",
    "-0.000123456789012345678901234567890123456780e-90|-0.00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000012345678901234567890123456789012345678"
  })
  void canonical_whenInGrammar_returnsDynamoDbText(String input, String expected) {
    assertThat(DynamoDbNumber.canonical(input)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "[{0}]")
  @CsvSource(delimiter = '|', value = {
    // the examples: a leading plus, an Arabic-Indic and a fullwidth digit
    "+1",
    "١",
    "１",
    "1١",
    "+0",
    "abc",
    "-",
    ".",
    "-.",
    "e5",
    ".e5",
    "1e",
    "1e+",
    "1e-",
    "1.2.3",
    "1+2",
    "1-",
    "--1",
    "' 1'",
    "'1 '",
    "1_0",
    "0x10",
    "NaN",
    "-NaN",
    "Infinity",
    "-Infinity",
    "1e1.5",
    "1d",
    "1f"
  })
  void canonical_whenOutsideGrammar_throwsCannotBeConverted(String input) {
    assertThatThrownBy(() -> DynamoDbNumber.canonical(input))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(NOT_A_NUMBER + input);
  }

  @Test
  void canonical_whenEmptyOrNull_throwsMessageWithoutText() {
    assertThatThrownBy(() -> DynamoDbNumber.canonical(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("The parameter cannot be converted to a numeric value");
    assertThatThrownBy(() -> DynamoDbNumber.canonical(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("The parameter cannot be converted to a numeric value");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "1e126|" + OVERFLOW,
    "-1e126|" + OVERFLOW,
    "10E+125|" + OVERFLOW,
    "11e125|" + OVERFLOW,
    "1e99999999999999999999|" + OVERFLOW,
    // magnitude is checked before precision, as DynamoDB (and dynalite) do
    "1234567890123456789012345678901234567890e100|" + OVERFLOW,
    "1e-131|" + UNDERFLOW,
    "-1e-131|" + UNDERFLOW,
    "0.9e-130|" + UNDERFLOW,
    "0.1e-130|" + UNDERFLOW,
    "1e-99999999999999999999|" + UNDERFLOW,
    "123456789012345678901234567890123456789|" + TOO_PRECISE,
    "3.14159265358979323846264338327950288419|" + TOO_PRECISE,
    "314159265358979323846264338327950288419e30|" + TOO_PRECISE,
    "-1.00000000000000000000000000000000000001|" + TOO_PRECISE
  })
  void canonical_whenOutOfRangeOrTooPrecise_throwsDynamoDbMessage(String input, String message) {
    assertThatThrownBy(() -> DynamoDbNumber.canonical(input))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }
}
