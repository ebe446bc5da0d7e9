package io.dynaccel.server.table;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynaccel.server.protocol.JsonCodec;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Issue 8, cause 4: number keys outside DynamoDB's grammar are never cache keys. */
class KeySchemaNumberTest {

  private static final KeySchema SCHEMA = new KeySchema("k", "N", null, null);

  private static JsonNode key(String number) {
    return JsonCodec.read(("{\"k\":{\"N\":\"" + number + "\"}}").getBytes(StandardCharsets.UTF_8));
  }

  @ParameterizedTest
  @ValueSource(strings = {"+1", "\u0661", "\uFF11", " 1", "1e126", "1e-131", "123456789012345678901234567890123456789", ""})
  void keyOf_whenNumberOutsideDynamoDbGrammar_isNull(String number) {
    assertThat(SCHEMA.keyOf("t", key(number))).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.0", "001", "1e0", "0.1E1", "1."})
  void keyOf_whenSpellingsOfOneNumber_isTheKeyOfThatNumber(String number) {
    assertThat(SCHEMA.keyOf("t", key(number))).isEqualTo(SCHEMA.keyOf("t", key("1")));
  }
}
