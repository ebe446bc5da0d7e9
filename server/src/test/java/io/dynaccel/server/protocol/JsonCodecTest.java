package io.dynaccel.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

  @Test
  void memberBytes_whenMemberIsAnObject_returnsItsBytesAsWritten() {
    String item = "{\"s\":{\"S\":\"a\\u001fb\\/\u00e9\"},\"m\":{\"M\":{\"Item\":{\"N\":\"1\"}}}}";

    byte[] bytes = JsonCodec.memberBytes(utf8("{\"ConsumedCapacity\":{\"TableName\":\"T\"},\"Item\":" + item + ",\"x\":[1]}"), "Item");

    assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo(item);
  }

  @Test
  void memberBytes_whenMemberAbsentNullOrOnlyNested_returnsNull() {
    assertThat(JsonCodec.memberBytes(utf8("{}"), "Item")).isNull();
    assertThat(JsonCodec.memberBytes(utf8("{\"Item\":null}"), "Item")).isNull();
    assertThat(JsonCodec.memberBytes(utf8("{\"Other\":{\"Item\":{\"N\":\"1\"}}}"), "Item")).isNull();
  }

  @Test
  void memberBytes_whenNotOneJsonObject_throwsSerializationException() {
    for (String body : new String[] {"{\"Item\":{\"a\":1}", "{\"Item\":{}} {}", "[]", "", "{\"Item\":{\"a\":1},\"b\":}"}) {
      assertThatThrownBy(() -> JsonCodec.memberBytes(utf8(body), "Item")).as(body).isInstanceOf(DynamoDbException.class);
    }
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
