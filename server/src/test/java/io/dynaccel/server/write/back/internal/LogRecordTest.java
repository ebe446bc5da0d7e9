package io.dynaccel.server.write.back.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynaccel.server.cache.ItemKey;
import io.dynaccel.server.protocol.JsonCodec;
import org.junit.jupiter.api.Test;

class LogRecordTest {

  @Test
  void decode_whenPutOfHashKeyItem_returnsTheSameRecord() {
    ObjectNode key = attributes("pk", "S", "user#1");
    ObjectNode item = key.deepCopy();
    item.putObject("n").put("N", "42");
    item.putObject("tags").putArray("SS").add("a").add("b");
    LogRecord record = new LogRecord(new ItemKey("Users", "S:user#1", null), key, item);

    LogRecord decoded = LogRecord.decode(record.encode());

    assertThat(decoded).isEqualTo(record);
    assertThat(decoded.key().sort()).isNull();
  }

  @Test
  void decode_whenDeleteWithSortKey_keepsTheSortKeyAndTheAbsence() {
    ObjectNode key = attributes("pk", "S", "order#7");
    key.putObject("sk").put("N", "3");
    LogRecord record = new LogRecord(new ItemKey("Orders", "S:order#7", "N:3"), key, null);

    LogRecord decoded = LogRecord.decode(record.encode());

    assertThat(decoded).isEqualTo(record);
    assertThat(decoded.item()).isNull();
    assertThat(decoded.key().sort()).isEqualTo("N:3");
    assertThat(decoded.keyAttributes().path("sk").path("N").asText()).isEqualTo("3");
  }

  @Test
  void decode_whenBinaryKeyAndUnicodeTable_roundTrips() {
    ObjectNode key = attributes("id", "B", "AAEC/w==");
    ObjectNode item = key.deepCopy();
    item.putObject("text").put("S", "gr\u00fc\u00dfe \ud83d\ude00");
    LogRecord record = new LogRecord(new ItemKey("T\u00e4ble-1", "B:AAEC/w==", null), key, item);

    assertThat(LogRecord.decode(record.encode())).isEqualTo(record);
  }

  @Test
  void decode_whenRelease_returnsTheReleaseOfTheItem() {
    LogRecord release = LogRecord.release(new ItemKey("Orders", "S:order#7", "N:3"));

    LogRecord decoded = LogRecord.decode(release.encode());

    assertThat(decoded).isEqualTo(release);
    assertThat(decoded.released()).isTrue();
    assertThat(decoded.keyAttributes()).isNull();
  }

  @Test
  void decode_whenChange_isNoRelease() {
    ObjectNode key = attributes("pk", "S", "x");

    assertThat(LogRecord.decode(new LogRecord(new ItemKey("T", "S:x", null), key, null).encode()).released()).isFalse();
  }

  @Test
  void encode_whenEncodedTwice_isTheSameBytes() {
    ObjectNode key = attributes("pk", "S", "x");
    LogRecord record = new LogRecord(new ItemKey("T", "S:x", null), key, key.deepCopy());

    assertThat(record.encode()).isEqualTo(record.encode());
  }

  private static ObjectNode attributes(String name, String type, String value) {
    ObjectNode attributes = JsonCodec.object();
    attributes.putObject(name).put(type, value);
    return attributes;
  }
}
