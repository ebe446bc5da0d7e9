package io.dynaccel.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StreamedGetItemTest {

  private static StreamedGetItem read(String body) {
    return StreamedGetItem.read(Buffer.buffer(body.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void read_whenPlainGetItem_holdsTableAndKey() {
    StreamedGetItem call = read(" {\"Key\":{\"pk\":{\"S\":\"a\\u00e9\"},\"sk\":{\"N\":\"1.50\"}},\"TableName\":\"Users\",\"ConsistentRead\":false,"
        + "\"ReturnConsumedCapacity\":\"NONE\"}\n");

    assertThat(call).isNotNull();
    assertThat(call.table()).isEqualTo("Users");
    assertThat(call.keySize()).isEqualTo(2);
    assertThat(List.of(call.firstName(), call.firstType(), call.firstValue())).containsExactly("pk", "S", "a\u00e9");
    assertThat(List.of(call.secondName(), call.secondType(), call.secondValue())).containsExactly("sk", "N", "1.50");
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "",
    "[]",
    "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"a\"}}} {}",
    "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"a\"}}",
    "{\"TableName\":\"Users\",\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"a\"}}}",
    "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"a\"}},\"Key\":{\"pk\":{\"S\":\"b\"}}}",
    "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"a\"},\"pk\":{\"S\":\"b\"}}}",
    "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"a\"}},\"ConsistentRead\":false,\"ConsistentRead\":true}",
    "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"a\"}},\"ConsistentRead\":true}",
    "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"a\"}},\"ConsistentRead\":\"false\"}",
    "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"a\"}},\"ReturnConsumedCapacity\":\"TOTAL\"}",
    "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"a\"}},\"ReturnConsumedCapacity\":null}",
    "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"a\"}},\"ProjectionExpression\":\"a\"}",
    "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"a\"}},\"Unknown\":1}",
    "{\"TableName\":null,\"Key\":{\"pk\":{\"S\":\"a\"}}}",
    "{\"TableName\":5,\"Key\":{\"pk\":{\"S\":\"a\"}}}",
    "{\"Key\":{\"pk\":{\"S\":\"a\"}}}",
    "{\"TableName\":\"Users\"}",
    "{\"TableName\":\"Users\",\"Key\":{}}",
    "{\"TableName\":\"Users\",\"Key\":[]}",
    "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":1}}}",
    "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"B\":\"AQ==\"}}}",
    "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"a\",\"N\":\"1\"}}}",
    "{\"TableName\":\"Users\",\"Key\":{\"pk\":{}}}",
    "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"a\"},\"sk\":{\"S\":\"b\"},\"tk\":{\"S\":\"c\"}}}",
    "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"a\"}},}",
    "{'TableName':'Users','Key':{'pk':{'S':'a'}}}",
  })
  void read_whenAnythingUnusual_leavesItToTheTree(String body) {
    assertThat(read(body)).isNull();
  }

  @Test
  void read_whenBodyStartsWithByteOrderMark_leavesItToTheTree() {
    byte[] plain = "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"a\"}}}".getBytes(StandardCharsets.UTF_8);
    byte[] body = new byte[plain.length + 3];
    body[0] = (byte) 0xEF;
    body[1] = (byte) 0xBB;
    body[2] = (byte) 0xBF;
    System.arraycopy(plain, 0, body, 3, plain.length);

    assertThat(StreamedGetItem.read(Buffer.buffer(body))).isNull();
  }

  @Test
  void read_whenStringHoldsByteNoUtf8TextHolds_leavesItToTheTree() {
    byte[] body = "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"?\"}}}".getBytes(StandardCharsets.UTF_8);
    body[body.length - 5] = (byte) 0xFF;

    assertThat(StreamedGetItem.read(Buffer.buffer(body))).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"a\"}},\"ConsistentRead\":falsey}",
    "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"a\"}},\"ConsistentRead\":false",
    "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"a\"}}}\u000b",
    "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"a\u0001\"}}}",
    "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"a\"}}}}",
    "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"a\"}},}",
    "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"a\"},}}",
    "{\"TableName\":\"Users\" \"Key\":{\"pk\":{\"S\":\"a\"}}}",
    "{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"SS\":\"a\"}}}",
  })
  void read_whenAlmostJson_leavesItToTheTree(String body) {
    assertThat(read(body)).isNull();
  }

  @Test
  void read_whenWhitespaceAndEscapesVary_readsWhatTheTreeReads() {
    StreamedGetItem call = read("\r\n\t{ \"ConsistentRead\" : false ,\"TableName\":\"Us\\u0065rs\", \"Key\" :{\"sk\":{\"N\":\"1\"},"
        + "\"pk\":{ \"S\" : \"\\\"x\\\"\" } } } \n");

    assertThat(call).isNotNull();
    assertThat(List.of(call.table(), call.firstName(), call.firstValue(), call.secondName(), call.secondType(), call.secondValue()))
        .containsExactly("Users", "sk", "1", "pk", "S", "\"x\"");
  }

  /** Bytes a mutation puts in: JSON's structure, whitespace, escapes, and bytes outside ASCII. */
  private static final byte[] MUTATIONS = {' ', '\t', '\n', 0x0B, 0, '"', '\\', ',', ':', '{', '}', '[', 'e', 'l', '0', 'S', 'N', (byte) 0xC3,
      (byte) 0xA9, (byte) 0xFF, (byte) 0xEF};

  @Test
  void read_whenBytesOfAPlainBodyAreMutated_neverDisagreesWithTheTree() {
    Random random = new Random(15);
    byte[] plain = (" {\"TableName\":\"Users\", \"Key\":{\"pk\":{\"S\":\"ab\"},\"sk\":{\"N\":\"1\"}},\"ConsistentRead\":false,"
        + "\"ReturnConsumedCapacity\":\"NONE\"}").getBytes(StandardCharsets.UTF_8);
    int streamed = 0;
    for (int i = 0; i < 50_000; i++) {
      byte[] body = plain.clone();
      for (int m = random.nextInt(2) + 1; m > 0; m--) {
        int at = random.nextInt(body.length);
        byte with = MUTATIONS[random.nextInt(MUTATIONS.length)];
        body = switch (random.nextInt(3)) {
          case 0 -> { body[at] = with; yield body; }
          case 1 -> concat(body, at, new byte[] {with}, at);
          default -> concat(body, at, new byte[0], at + 1);
        };
      }
      StreamedGetItem call = StreamedGetItem.read(Buffer.buffer(body));
      if (call == null) {
        continue;
      }
      streamed++;
      String text = new String(body, StandardCharsets.ISO_8859_1);
      ObjectNode tree = (ObjectNode) JsonCodec.read(body);
      assertThat(PlainGetItem.matches("GetItem", tree)).as(text).isTrue();
      assertThat(tree.path("ConsistentRead").asBoolean(false)).as(text).isFalse();
      assertThat(tree.path("ReturnConsumedCapacity").asText("NONE")).as(text).isEqualTo("NONE");
      assertThat(tree.get("TableName").textValue()).as(text).isEqualTo(call.table());
      JsonNode key = tree.get("Key");
      assertThat(key.size()).as(text).isEqualTo(call.keySize());
      assertThat(key.path(call.firstName()).path(call.firstType()).textValue()).as(text).isEqualTo(call.firstValue());
      if (call.keySize() == 2) {
        assertThat(key.path(call.secondName()).path(call.secondType()).textValue()).as(text).isEqualTo(call.secondValue());
      }
    }
    assertThat(streamed).isGreaterThan(1_000);
  }

  private static byte[] concat(byte[] body, int to, byte[] middle, int from) {
    byte[] out = new byte[to + middle.length + body.length - from];
    System.arraycopy(body, 0, out, 0, to);
    System.arraycopy(middle, 0, out, to, middle.length);
    System.arraycopy(body, from, out, to + middle.length, body.length - from);
    return out;
  }

  /** Near-plain GetItem bodies in text, members in random order, some duplicated, some of the wrong type. */
  private static String nearPlain(Random random) {
    List<String> members = new ArrayList<>();
    List<String> tables = List.of("\"Users\"", "\"a\\\"b\"", "5", "null", "{}");
    List<String> keys = List.of("{\"pk\":{\"S\":\"a\"}}", "{\"pk\":{\"N\":\"1.50\"},\"sk\":{\"S\":\"\"}}", "{\"pk\":{\"B\":\"AQ==\"}}",
        "{}", "{\"pk\":{\"S\":\"a\"},\"pk\":{\"S\":\"b\"}}", "{\"pk\":{\"S\":null}}", "[]", "{\"pk\":{\"S\":\"a\",\"N\":\"1\"}}");
    List<String> others = List.of("\"ConsistentRead\":false", "\"ConsistentRead\":true", "\"ConsistentRead\":0",
        "\"ReturnConsumedCapacity\":\"NONE\"", "\"ReturnConsumedCapacity\":\"TOTAL\"", "\"ProjectionExpression\":\"a\"", "\"Limit\":1");
    for (int i = random.nextInt(3); i > 0 || members.isEmpty(); i--) {
      members.add("\"TableName\":" + tables.get(random.nextInt(tables.size())));
      if (random.nextInt(4) > 0) {
        members.add("\"Key\":" + keys.get(random.nextInt(keys.size())));
      }
    }
    for (int i = random.nextInt(3); i > 0; i--) {
      members.add(others.get(random.nextInt(others.size())));
    }
    java.util.Collections.shuffle(members, random);
    return "{" + String.join(",", members) + "}";
  }

  @Test
  void read_whenGeneratedBodyIsRead_theTreeSaysTheSame() {
    Random random = new Random(14);
    int streamed = 0;
    for (int i = 0; i < 20_000; i++) {
      String body = nearPlain(random);
      StreamedGetItem call = read(body);
      if (call == null) {
        continue;
      }
      streamed++;
      ObjectNode tree = (ObjectNode) JsonCodec.read(body.getBytes(StandardCharsets.UTF_8));
      assertThat(PlainGetItem.matches("GetItem", tree)).as(body).isTrue();
      assertThat(tree.size()).as(body).isEqualTo(body.split("\"(TableName|Key|ConsistentRead|ReturnConsumedCapacity)\":", -1).length - 1);
      assertThat(tree.path("ConsistentRead").asBoolean(false)).as(body).isFalse();
      assertThat(tree.path("ReturnConsumedCapacity").asText("NONE")).as(body).isEqualTo("NONE");
      assertThat(tree.get("TableName").textValue()).as(body).isEqualTo(call.table());
      JsonNode key = tree.get("Key");
      assertThat(key.size()).as(body).isEqualTo(call.keySize());
      assertThat(key.path(call.firstName()).path(call.firstType()).textValue()).as(body).isEqualTo(call.firstValue());
      if (call.keySize() == 2) {
        assertThat(key.path(call.secondName()).path(call.secondType()).textValue()).as(body).isEqualTo(call.secondValue());
      }
    }
    assertThat(streamed).isGreaterThan(300);
  }
}
