package io.dynaccel.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonCodecTest {

  private static JsonNode read(String text) {
    return JsonCodec.read(text.getBytes(StandardCharsets.UTF_8));
  }

  // Issue 8, cause 7: Jackson's default refused names over 50,000 characters.
  @Test
  void read_whenAttributeNameIs64KB_parses() {
    String name = "n".repeat(65_535);

    JsonNode item = read("{\"Item\":{\"" + name + "\":{\"S\":\"v\"}}}");

    assertThat(item.path("Item").path(name).path("S").asText()).isEqualTo("v");
    assertThat(read(new String(JsonCodec.write(item), StandardCharsets.UTF_8))).isEqualTo(item);
  }

  @Test
  void read_whenNestedFarBeyondDynamoDbLimit_parses() {
    String value = "{\"S\":\"leaf\"}";
    for (int i = 0; i < 300; i++) {
      value = "{\"M\":{\"n\":" + value + "}}";
    }

    assertThat(read("{\"Item\":{\"d\":" + value + "}}").path("Item").path("d").has("M")).isTrue();
  }
}
