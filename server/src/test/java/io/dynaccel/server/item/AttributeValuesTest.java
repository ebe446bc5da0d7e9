package io.dynaccel.server.item;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class AttributeValuesTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static ObjectNode object(String json) throws Exception {
    return (ObjectNode) MAPPER.readTree(json);
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

    // JSON values, not bytes: DynamoDB promises no order of attributes or map members.
    assertThat(normalized).isEqualTo(MAPPER.readTree(expected));
    assertThat(MAPPER.writeValueAsString(put)).isEqualTo(before);
  }

  @Test
  void normalizeItem_whenValueHasNullOrUnknownMembers_dropsThem() throws Exception {
    ObjectNode normalized =
        AttributeValues.normalizeItem(object("{\"a\":{\"zz\":1,\"N\":\"1.0\",\"S\":null}}"));
    assertThat(normalized).isEqualTo(object("{\"a\":{\"N\":\"1\"}}"));
  }

  @Test
  void normalizeItem_whenNumberInvalid_throwsIllegalArgument() throws Exception {
    assertThatThrownBy(
            () -> AttributeValues.normalizeItem(object("{\"a\":{\"L\":[{\"NS\":[\"1e200\"]}]}}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Number overflow");
  }
}
