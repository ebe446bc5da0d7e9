package io.dynaccel.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynaccel.server.table.KeySchema;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The client's partitions equal the nodes' ({@code io.dynaccel.server.cluster.Partitions}) for every key. */
class PartitionsTest {

  private static final long SEED = System.nanoTime();
  private static final Random RANDOM = new Random(SEED);
  private static final String[] TABLES = {"T", "Orders", "user-sessions.v2", "Ünïcode_table"};

  /** The nodes' canonical partition key text, or null where they take no such key. */
  private static String serverCanonical(String type, String text) {
    ObjectNode value = JsonNodeFactory.instance.objectNode().put(type, text);
    return new KeySchema("pk", type, null, null).partitionOf(value);
  }

  private static void assertSamePartition(String type, String text, AttributeValue value) {
    String expected = serverCanonical(type, text);
    String canonical = Partitions.canonical(value);
    assertThat(canonical).as("seed %d: canonical %s %s", SEED, type, text).isEqualTo(expected);
    if (expected != null) {
      for (String table : TABLES) {
        assertThat(Partitions.ofPartitionKey(table, value)).as("seed %d: partition of %s %s in %s", SEED, type, text, table)
            .isEqualTo(io.dynaccel.server.cluster.Partitions.ofPartitionKey(table, expected))
            .isBetween(0, Partitions.COUNT - 1);
      }
    } else {
      assertThat(Partitions.ofPartitionKey("T", value)).isEqualTo(Partitions.NONE);
    }
  }

  private static void assertSameNumber(String text) {
    assertSamePartition("N", text, AttributeValue.fromN(text));
  }

  @Test
  void ofPartitionKey_randomStrings_sameAsTheNodes() {
    for (int i = 0; i < 2000; i++) {
      StringBuilder text = new StringBuilder();
      int length = RANDOM.nextInt(40);
      for (int c = 0; c < length; c++) {
        // ASCII, Latin-1, CJK and astral code points: the length prefix counts UTF-16 units, as the nodes' does.
        int codePoint = switch (RANDOM.nextInt(4)) {
          case 0 -> 0x20 + RANDOM.nextInt(0x5f);
          case 1 -> 0xa0 + RANDOM.nextInt(0x60);
          case 2 -> 0x4e00 + RANDOM.nextInt(0x5000);
          default -> 0x1f300 + RANDOM.nextInt(0x300);
        };
        text.appendCodePoint(codePoint);
      }
      assertSamePartition("S", text.toString(), AttributeValue.fromS(text.toString()));
    }
  }

  @Test
  void ofPartitionKey_randomBinaries_sameAsTheNodes() {
    for (int i = 0; i < 2000; i++) {
      byte[] bytes = new byte[RANDOM.nextInt(50)];
      RANDOM.nextBytes(bytes);
      // The SDK sends a binary as standard base64 of its bytes; the node reads that text.
      assertSamePartition("B", Base64.getEncoder().encodeToString(bytes), AttributeValue.fromB(SdkBytes.fromByteArray(bytes)));
    }
  }

  @Test
  void ofPartitionKey_randomNumbersInManySpellings_sameAsTheNodes() {
    for (int i = 0; i < 2000; i++) {
      BigDecimal number = new BigDecimal(new BigInteger(1 + RANDOM.nextInt(120), RANDOM), RANDOM.nextInt(80) - 40);
      if (RANDOM.nextBoolean()) {
        number = number.negate();
      }
      for (String spelling : spellings(number)) {
        assertSameNumber(spelling);
      }
    }
  }

  @Test
  void ofPartitionKey_numbersOfOneValue_onePartition() {
    List<String> spellings = List.of("1.5", "1.50", "001.500", "15E-1", "0.15e1", "150e-2", "1.5E0", "1.5000E0", "0.0015E3");
    int partition = Partitions.ofPartitionKey("T", AttributeValue.fromN("1.5"));

    for (String spelling : spellings) {
      assertSameNumber(spelling);
      assertThat(Partitions.ofPartitionKey("T", AttributeValue.fromN(spelling))).as(spelling).isEqualTo(partition);
    }
  }

  @Test
  void ofPartitionKey_edgeNumbers_sameAsTheNodes() {
    for (String text : List.of("0", "-0", "0.000", "-0.0e-999999999999", "0e99999999999", "5.", ".5", "-.5", "1E+2", "1e2",
        "1E125", "9.99E125", "1E126", "1E-130", "1E-131", "-1E-130", "12345678901234567890123456789012345678",
        "123456789012345678901234567890123456789", "1234567890123456789012345678901234567800000", "1e2147483648",
        "+5", "1e", "1e+", "e5", ".", "-", "", "1.2.3", "0x10", "١", "１", " 1", "1 ", "NaN", "Infinity")) {
      assertSameNumber(text);
    }
  }

  @Test
  void ofPartitionKey_emptyOrMissingValues_none() {
    assertSamePartition("S", "", AttributeValue.fromS(""));
    assertSamePartition("B", "", AttributeValue.fromB(SdkBytes.fromByteArray(new byte[0])));
    assertThat(Partitions.ofPartitionKey("T", AttributeValue.fromBool(true))).isEqualTo(Partitions.NONE);
    assertThat(Partitions.ofPartitionKey("T", null)).isEqualTo(Partitions.NONE);
  }

  @Test
  void ofTable_sameAsTheNodes() {
    for (String table : TABLES) {
      assertThat(Partitions.ofTable(table)).isEqualTo(io.dynaccel.server.cluster.Partitions.ofTable(table));
    }
    assertThat(Partitions.COUNT).isEqualTo(io.dynaccel.server.cluster.Partitions.COUNT);
  }

  /** Ways a client may write the number: plain, padded, exponent forms, with a bare point. */
  private static List<String> spellings(BigDecimal number) {
    List<String> spellings = new ArrayList<>();
    spellings.add(number.toPlainString());
    spellings.add(number.toString());
    spellings.add(number.toEngineeringString());
    spellings.add(number.setScale(Math.max(0, number.scale()) + 3).toPlainString()); // trailing zeros
    String unscaled = number.unscaledValue().toString();
    spellings.add(unscaled + "e" + -number.scale());
    spellings.add(unscaled + "E" + (number.scale() <= 0 ? "+" : "") + -number.scale());
    String plain = number.abs().toPlainString();
    String sign = number.signum() < 0 ? "-" : "";
    spellings.add(sign + "000" + plain);
    if (!plain.contains(".")) {
      spellings.add(sign + plain + ".");
    } else if (plain.startsWith("0.")) {
      spellings.add(sign + plain.substring(1));
    }
    return spellings;
  }
}
