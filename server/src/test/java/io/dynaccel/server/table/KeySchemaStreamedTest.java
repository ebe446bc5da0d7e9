package io.dynaccel.server.table;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynaccel.server.protocol.JsonCodec;
import io.dynaccel.server.protocol.StreamedGetItem;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeySchemaStreamedTest {

  private static final List<KeySchema> SCHEMAS = List.of(new KeySchema("pk", "S", null, null), new KeySchema("pk", "N", null, null),
      new KeySchema("pk", "S", "sk", "N"), new KeySchema("pk", "N", "sk", "S"), new KeySchema("sk", "S", "pk", "S"));

  private static final List<String> KEYS = List.of("{\"pk\":{\"S\":\"a\"}}", "{\"pk\":{\"N\":\"1.50\"}}", "{\"pk\":{\"N\":\"x\"}}",
      "{\"pk\":{\"S\":\"\"}}", "{\"other\":{\"S\":\"a\"}}", "{\"pk\":{\"S\":\"a\"},\"sk\":{\"N\":\"-0.0\"}}", "{\"sk\":{\"N\":\"7\"},\"pk\":{\"S\":\"a\"}}",
      "{\"pk\":{\"N\":\"1e2\"},\"sk\":{\"S\":\"b\"}}", "{\"sk\":{\"S\":\"b\"},\"pk\":{\"N\":\"100\"}}", "{\"pk\":{\"S\":\"a\"},\"other\":{\"N\":\"1\"}}",
      "{\"other\":{\"S\":\"a\"},\"sk\":{\"N\":\"1\"}}", "{\"pk\":{\"S\":\"a\"},\"sk\":{\"S\":\"b\"}}");

  @Test
  void keyOf_whenStreamed_isTheKeyOfTheTree() {
    int keys = 0;
    for (String key : KEYS) {
      String body = "{\"TableName\":\"T\",\"Key\":" + key + "}";
      StreamedGetItem call = StreamedGetItem.read(Buffer.buffer(body));
      assertThat(call).as(body).isNotNull();
      for (KeySchema schema : SCHEMAS) {
        var expected = schema.keyOf("T", JsonCodec.read(body.getBytes(StandardCharsets.UTF_8)).get("Key"));
        assertThat(schema.keyOf("T", call)).as(schema + " " + body).isEqualTo(expected);
        keys += expected == null ? 0 : 1;
      }
    }
    assertThat(keys).isGreaterThan(5);
  }
}
