package io.dynaccel.server.item;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AttributeValuesTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static ObjectNode object(String json) throws Exception {
    return (ObjectNode) MAPPER.readTree(json);
  }

  // Expected values are what dynalite 4.0.0 (big.js) returns after PutItem/GetItem.
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "001.500|1.5",
        "1e2|100",
        "-0.0|0",
        "-0|0",
        "2.50|2.5",
        "1E+2|100",
        ".5|0.5",
        "5.|5",
        "1.e3|1000",
        "0e999999999999|0",
        "0.000|0",
        "1e+0|1",
        "-1.5e-3|-0.0015",
        "0010|10",
        "-5e-1|-0.5",
        "12345678901234567890123456789012345678|12345678901234567890123456789012345678",
        "100000000000000000000000000000000000000000000|100000000000000000000000000000000000000000000",
        "9.9e125|990000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
        "1e-130|0.0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001",
        "-0.000123456789012345678901234567890123456780e-90|-0.00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000012345678901234567890123456789012345678",
        "123.456e1|1234.56",
        "0.00001e5|1"
      })
  void canonicalNumber_whenDynamoDbAcceptsIt_returnsDynaliteText(String input, String expected) {
    assertThat(AttributeValues.canonicalNumber(input)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "1e126|Number overflow. Attempting to store a number with magnitude larger than supported range",
        "1e99999999999999999999|Number overflow. Attempting to store a number with magnitude larger than supported range",
        "1e-131|Number underflow. Attempting to store a number with magnitude smaller than supported range",
        "123456789012345678901234567890123456789|Attempting to store more than 38 significant digits in a Number",
        "abc|The parameter cannot be converted to a numeric value: abc",
        "+1|The parameter cannot be converted to a numeric value: +1",
        "' 1'|The parameter cannot be converted to a numeric value:  1",
        "1e|The parameter cannot be converted to a numeric value: 1e",
        "Infinity|The parameter cannot be converted to a numeric value: Infinity",
        "0x10|The parameter cannot be converted to a numeric value: 0x10",
        "1_0|The parameter cannot be converted to a numeric value: 1_0",
        "١|The parameter cannot be converted to a numeric value: ١",
        "''|The parameter cannot be converted to a numeric value"
      })
  void canonicalNumber_whenDynamoDbRejectsIt_throwsWithDynamoDbMessage(String input, String msg) {
    assertThatThrownBy(() -> AttributeValues.canonicalNumber(input))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(msg);
  }

  @Test
  void canonicalNumber_whenNull_throwsIllegalArgument() {
    assertThatThrownBy(() -> AttributeValues.canonicalNumber(null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void normalizeItem_whenVariedItem_matchesDynaliteGetItemAfterPutItem() throws Exception {
    ObjectNode put =
        object(
            "{\"pk\":{\"S\":\"n1\"},\"z\":{\"N\":\"001.500\"},\"1\":{\"N\":\"1e2\"},"
                + "\"a\":{\"N\":\"-0.0\"},\"b\":{\"N\":\"2.50\"},\"c\":{\"N\":\"1E+2\"},"
                + "\"d\":{\"N\":\".5\"},\"e\":{\"N\":\"5.\"},\"f\":{\"N\":\"-1.5e-3\"},"
                + "\"ns\":{\"NS\":[\"3\",\"1.0\",\"2e0\",\"-0\"]},\"ss\":{\"SS\":[\"b\",\"a\"]},"
                + "\"bs\":{\"BS\":[\"YWI=\",\"YQ==\"]},\"bin\":{\"B\":\"AAEC\"},"
                + "\"t\":{\"BOOL\":\"yes\"},\"nl\":{\"NULL\":\"TRUE\"},"
                + "\"l\":{\"L\":[{\"N\":\"0010\"},{\"M\":{\"y\":{\"N\":\"1.10\"},\"2\":{\"S\":\"q\"},"
                + "\"x\":{\"NS\":[\"1e1\"]}}},{\"L\":[{\"N\":\"-5e-1\"}]}]},"
                + "\"m\":{\"M\":{\"k\":{\"N\":\"7.000\"}}}}");
    String before = MAPPER.writeValueAsString(put);
    // Recorded from dynalite: GetItem after PutItem of the item above.
    String expected =
        "{\"1\":{\"N\":\"100\"},\"pk\":{\"S\":\"n1\"},\"z\":{\"N\":\"1.5\"},\"a\":{\"N\":\"0\"},"
            + "\"b\":{\"N\":\"2.5\"},\"c\":{\"N\":\"100\"},\"d\":{\"N\":\"0.5\"},\"e\":{\"N\":\"5\"},"
            + "\"f\":{\"N\":\"-0.0015\"},\"ns\":{\"NS\":[\"3\",\"1\",\"2\",\"0\"]},"
            + "\"ss\":{\"SS\":[\"b\",\"a\"]},\"bs\":{\"BS\":[\"YWI=\",\"YQ==\"]},"
            + "\"bin\":{\"B\":\"AAEC\"},\"t\":{\"BOOL\":true},\"nl\":{\"NULL\":true},"
            + "\"l\":{\"L\":[{\"N\":\"10\"},{\"M\":{\"2\":{\"S\":\"q\"},\"y\":{\"N\":\"1.1\"},"
            + "\"x\":{\"NS\":[\"10\"]}}},{\"L\":[{\"N\":\"-0.5\"}]}]},"
            + "\"m\":{\"M\":{\"k\":{\"N\":\"7\"}}}}";

    ObjectNode normalized = AttributeValues.normalizeItem(put);

    assertThat(MAPPER.writeValueAsString(normalized)).isEqualTo(expected);
    assertThat(MAPPER.writeValueAsString(put)).isEqualTo(before);
  }

  @Test
  void normalizeItem_whenValueHasNullOrUnknownMembers_dropsThem() throws Exception {
    ObjectNode normalized =
        AttributeValues.normalizeItem(object("{\"a\":{\"zz\":1,\"N\":\"1.0\",\"S\":null}}"));
    assertThat(MAPPER.writeValueAsString(normalized)).isEqualTo("{\"a\":{\"N\":\"1\"}}");
  }

  @Test
  void normalizeItem_whenNumberInvalid_throwsIllegalArgument() throws Exception {
    assertThatThrownBy(
            () -> AttributeValues.normalizeItem(object("{\"a\":{\"L\":[{\"NS\":[\"1e200\"]}]}}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Number overflow");
  }
}
