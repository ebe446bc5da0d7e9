package io.dynaccel.server.item;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynaccel.server.protocol.JsonCodec;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ItemSizeTest {

  private static long size(String item) {
    return ItemSize.of(JsonCodec.read(item.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void of_whenScalars_countsNamesAndValuesAsDynamoDbDoes() {
    assertThat(size("{\"ab\":{\"S\":\"xyz\"}}")).isEqualTo(5);
    assertThat(size("{\"é\":{\"S\":\"€\"}}")).isEqualTo(2 + 3);
    assertThat(size("{\"b\":{\"B\":\"AAEC\"}}")).isEqualTo(1 + 3);
    assertThat(size("{\"b\":{\"B\":\"AA==\"}}")).isEqualTo(1 + 1);
    assertThat(size("{\"t\":{\"BOOL\":true},\"n\":{\"NULL\":true}}")).isEqualTo(4);
    // one byte per two significant digits, plus one
    assertThat(size("{\"n\":{\"N\":\"12345\"}}")).isEqualTo(1 + 4);
    assertThat(size("{\"n\":{\"N\":\"-1000\"}}")).isEqualTo(1 + 2);
    assertThat(size("{\"n\":{\"N\":\"0.0012\"}}")).isEqualTo(1 + 2);
  }

  @Test
  void of_whenDocumentsAndSets_addsTheirOverhead() {
    assertThat(size("{\"l\":{\"L\":[]}}")).isEqualTo(1 + 3);
    assertThat(size("{\"l\":{\"L\":[{\"S\":\"ab\"},{\"S\":\"c\"}]}}")).isEqualTo(1 + 3 + (1 + 2) + (1 + 1));
    assertThat(size("{\"m\":{\"M\":{\"k\":{\"S\":\"ab\"}}}}")).isEqualTo(1 + 3 + 1 + 1 + 2);
    assertThat(size("{\"s\":{\"SS\":[\"a\",\"bc\"]}}")).isEqualTo(1 + 3);
  }

  @Test
  void of_whenLargeString_isItsUtf8Length() {
    assertThat(size("{\"p\":{\"S\":\"" + "x".repeat(400_000) + "\"}}")).isEqualTo(400_001);
  }

  // BatchGetItemHandler skips counting when the items' JSON fits the limit: JSON is never shorter.
  @Test
  void of_whenAnyItem_isAtMostTheLengthOfItsJson() {
    String[] items = {
      "{\"a\":{\"S\":\"\"}}",
      "{\"é€\":{\"S\":\"日本\\u0000\"}}",
      "{\"n\":{\"N\":\"-0.000000000000000000000000000000000000012345678901234567890123456789012345678\"}}",
      "{\"b\":{\"B\":\"\"},\"bs\":{\"BS\":[\"AA==\",\"AAE=\"]},\"t\":{\"BOOL\":false},\"z\":{\"NULL\":true}}",
      "{\"l\":{\"L\":[{\"L\":[]},{\"M\":{}},{\"M\":{\"\":{\"L\":[{\"N\":\"1\"}]}}}]}}",
      "{\"ns\":{\"NS\":[\"1\",\"22\",\"333\"]},\"ss\":{\"SS\":[\"\",\"x\"]}}"
    };
    for (String item : items) {
      byte[] json = JsonCodec.write(JsonCodec.read(item.getBytes(StandardCharsets.UTF_8)));
      assertThat(size(item)).as(item).isLessThanOrEqualTo(json.length);
    }
  }

  @Test
  void of_whenStringsHoldMultiByteCharacters_countsUtf8Bytes() {
    // name "s" 1 + "é" 2 + "𝄞" 4
    assertThat(size("{\"s\":{\"S\":\"\u00e9\uD834\uDD1E\"}}")).isEqualTo(7);
  }
}
