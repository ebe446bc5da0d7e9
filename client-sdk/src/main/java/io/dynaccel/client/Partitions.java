package io.dynaccel.client;

import java.math.BigDecimal;
import java.util.Base64;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Which of a Dynaccel cluster's {@value #COUNT} partitions a key belongs to, computed exactly as the nodes compute
 * it ({@code io.dynaccel.server.cluster.Partitions} over the canonical key text of
 * {@code io.dynaccel.server.table.KeySchema}), so that the client can send a key straight to its owner.
 *
 * <p>A copy rather than a dependency: the SDK must not pull the server in at run time. {@code PartitionsTest} holds
 * the two equal over many random keys. A value the nodes would not take as a key (an empty string, a number outside
 * DynamoDB's grammar or range) has no partition here either: any node then passes the call on to DynamoDB, which
 * refuses it.
 */
final class Partitions {

  /** The number of partitions of a cluster, as the nodes fix it. */
  static final int COUNT = 271;
  /** The partition of a value that is no valid key. */
  static final int NONE = -1;

  /** DynamoDB's number grammar as the nodes read it: ASCII digits, no leading {@code +}. */
  private static final Pattern NUMBER = Pattern.compile("-?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?");
  private static final Pattern ZERO = Pattern.compile("-?0*\\.?0*(?:[eE].*)?");
  private static final int MAX_DIGITS = 38;
  private static final int MAX_EXPONENT = 125;
  private static final int MIN_EXPONENT = -130;

  private Partitions() {
  }

  /** The partition of a table's partition key value, or {@link #NONE} if it is no valid key value. */
  static int ofPartitionKey(String table, AttributeValue value) {
    String canonical = canonical(value);
    return canonical == null ? NONE : ofCanonicalKey(table, canonical);
  }

  /** The partition of a partition key already in canonical form ({@link #canonical}). */
  static int ofCanonicalKey(String table, String canonicalPartitionKey) {
    return spread(table.hashCode() * 31 + canonicalPartitionKey.hashCode());
  }

  /** The partition of a table's table-wide work: Scans and index Queries. */
  static int ofTable(String table) {
    return spread(table.hashCode());
  }

  /** MurmurHash3's 32-bit finaliser over {@link String#hashCode()}s, as the nodes spread them. */
  private static int spread(int hash) {
    int h = hash;
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return Math.floorMod(h, COUNT);
  }

  /**
   * The canonical text of a key value, typed and length-prefixed: {@code S<length>:<value>}, {@code N} with the
   * number as DynamoDB returns it ({@code 1.50} is {@code 1.5}), {@code B} with the standard base64 of the bytes.
   *
   * @return the text, or null if the value is no valid key value
   */
  static String canonical(AttributeValue value) {
    if (value == null) {
      return null;
    }
    String type;
    String text;
    if (value.s() != null) {
      type = "S";
      text = value.s();
    } else if (value.n() != null) {
      type = "N";
      text = canonicalNumber(value.n());
    } else if (value.b() != null) {
      type = "B";
      SdkBytes bytes = value.b();
      text = Base64.getEncoder().encodeToString(bytes.asByteArrayUnsafe());
    } else {
      return null;
    }
    if (text == null || text.isEmpty()) {
      return null;
    }
    return type + text.length() + ':' + text;
  }

  /**
   * The text DynamoDB returns for a number: plain notation, no leading or trailing zeros, no negative zero.
   *
   * @return the text, or null outside DynamoDB's grammar or range (38 digits, magnitudes 1E-130 to below 1E+126)
   */
  static String canonicalNumber(String text) {
    if (!NUMBER.matcher(text).matches()) {
      return null;
    }
    if (ZERO.matcher(text).matches()) {
      return "0"; // whatever its sign and exponent, even one too large for BigDecimal
    }
    BigDecimal number;
    try {
      number = new BigDecimal(text).stripTrailingZeros();
    } catch (NumberFormatException | ArithmeticException e) {
      return null; // an exponent beyond int: far outside DynamoDB's range
    }
    long leading = (long) number.precision() - number.scale() - 1; // exponent of the first significant digit
    if (number.precision() > MAX_DIGITS || leading > MAX_EXPONENT || leading < MIN_EXPONENT) {
      return null;
    }
    return number.toPlainString();
  }
}
