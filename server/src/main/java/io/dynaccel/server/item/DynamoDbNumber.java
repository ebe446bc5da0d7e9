package io.dynaccel.server.item;

/**
 * DynamoDB's grammar of Number values, and the text DynamoDB stores and returns for each number.
 *
 * <p>Accepted: ASCII only, an optional leading {@code -}, digits with an optional fraction
 * ({@code 1}, {@code 1.5}, {@code .5}, {@code 5.}), an optional exponent ({@code e}/{@code E},
 * optional sign, digits); at most 38 significant digits (leading and trailing zeros do not count);
 * a magnitude from 1E-130 to 9.9999999999999999999999999999999999999E+125, or zero. Everything
 * else is refused with the message DynamoDB gives for it. This is the one place numbers are read
 * for caching: key canonicalisation ({@code table/KeySchema}, and through it the partition of a
 * Query) and the normalisation of written items ({@link AttributeValues}) both call it, so a text
 * outside this grammar is never a cache key and never answered from the cache.
 *
 * <p>Refusing is always safe here: a caller that gets a refusal sends the request to DynamoDB
 * unchanged, and DynamoDB's own answer is returned. That is why the grammar may be narrower than
 * DynamoDB's own: a leading {@code +} is refused (as dynalite, our test upstream, refuses it),
 * although real DynamoDB is reported to accept {@code "+5"} and store it as {@code "5"} (ScyllaDB's
 * test_number.py and dynoxide's issue 109, both run against AWS); such a key is simply never served
 * from the cache. Likewise Unicode digits ({@code "١"}, {@code "１"}), which
 * {@link java.math.BigDecimal} would read as digits.
 */
public final class DynamoDbNumber {

  /** DynamoDB's message for an empty number; an unparseable one gets the text appended. */
  static final String NOT_A_NUMBER = "The parameter cannot be converted to a numeric value";
  static final String OVERFLOW =
      "Number overflow. Attempting to store a number with magnitude larger than supported range";
  static final String UNDERFLOW =
      "Number underflow. Attempting to store a number with magnitude smaller than supported range";
  static final String TOO_PRECISE =
      "Attempting to store more than 38 significant digits in a Number";

  private static final int MAX_EXPONENT = 125; // of the first significant digit: < 1E+126
  private static final int MIN_EXPONENT = -130; // 1E-130 is the smallest magnitude
  private static final int MAX_DIGITS = 38;
  /** Exponents are clamped here while reading, far outside the range and far from overflow. */
  private static final long EXPONENT_CLAMP = 1_000_000_000_000L;

  private DynamoDbNumber() {}

  /**
   * The text DynamoDB returns for the number {@code text}: plain notation, no exponent, no leading
   * or trailing zeros, no negative zero ({@code "001.500"} is {@code "1.5"}, {@code "1E+2"} is
   * {@code "100"}, {@code "-0.0"} is {@code "0"}).
   *
   * @throws IllegalArgumentException if {@code text} is outside the grammar; the message is
   *     DynamoDB's, e.g. "The parameter cannot be converted to a numeric value: +1"
   */
  public static String canonical(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException(NOT_A_NUMBER);
    }
    int n = text.length();
    int i = 0;
    boolean negative = text.charAt(0) == '-';
    if (negative) {
      i++;
    }
    int intStart = i;
    i = skipDigits(text, i);
    int intEnd = i;
    int fracStart = i;
    int fracEnd = i;
    if (i < n && text.charAt(i) == '.') {
      fracStart = i + 1;
      i = skipDigits(text, fracStart);
      fracEnd = i;
    }
    if (intEnd == intStart && fracEnd == fracStart) {
      throw unparseable(text); // no digit at all: "", "-", ".", "e5"
    }
    long exponent = 0;
    if (i < n && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
      i++;
      boolean negativeExponent = i < n && text.charAt(i) == '-';
      if (i < n && (text.charAt(i) == '-' || text.charAt(i) == '+')) {
        i++;
      }
      int expStart = i;
      for (; i < n && isDigit(text.charAt(i)); i++) {
        exponent = Math.min(EXPONENT_CLAMP, exponent * 10 + (text.charAt(i) - '0'));
      }
      if (i == expStart) {
        throw unparseable(text); // "1e", "1e+"
      }
      if (negativeExponent) {
        exponent = -exponent;
      }
    }
    if (i != n) {
      throw unparseable(text);
    }
    return plain(text, negative, intStart, intEnd, fracStart, fracEnd, exponent);
  }

  private static String plain(String text, boolean negative, int intStart, int intEnd, int fracStart, int fracEnd, long exponent) {
    // The digits, integer part then fraction, as one sequence indexed 0..count-1.
    int intDigits = intEnd - intStart;
    int count = intDigits + (fracEnd - fracStart);
    int first = 0;
    while (first < count && digitAt(text, intStart, intDigits, fracStart, first) == '0') {
      first++;
    }
    if (first == count) {
      return "0"; // zero, whatever its sign or exponent
    }
    int last = count;
    while (digitAt(text, intStart, intDigits, fracStart, last - 1) == '0') {
      last--;
    }
    long leading = intDigits - first - 1 + exponent; // exponent of the first significant digit
    if (leading > MAX_EXPONENT) {
      throw new IllegalArgumentException(OVERFLOW);
    }
    if (leading < MIN_EXPONENT) {
      throw new IllegalArgumentException(UNDERFLOW);
    }
    int significant = last - first;
    if (significant > MAX_DIGITS) {
      throw new IllegalArgumentException(TOO_PRECISE);
    }
    StringBuilder coefficient = new StringBuilder(significant);
    for (int d = first; d < last; d++) {
      coefficient.append(digitAt(text, intStart, intDigits, fracStart, d));
    }
    int e = (int) leading;
    StringBuilder out = new StringBuilder(significant + Math.abs(e) + 3);
    if (negative) {
      out.append('-');
    }
    if (e < 0) {
      out.append("0.").append("0".repeat(-e - 1)).append(coefficient);
    } else if (significant <= e + 1) {
      out.append(coefficient).append("0".repeat(e + 1 - significant));
    } else {
      out.append(coefficient, 0, e + 1).append('.').append(coefficient, e + 1, significant);
    }
    return out.toString();
  }

  private static char digitAt(String text, int intStart, int intDigits, int fracStart, int index) {
    return index < intDigits ? text.charAt(intStart + index) : text.charAt(fracStart + index - intDigits);
  }

  private static int skipDigits(String text, int from) {
    int i = from;
    while (i < text.length() && isDigit(text.charAt(i))) {
      i++;
    }
    return i;
  }

  /** ASCII only: {@link Character#isDigit} would also take Arabic-Indic and fullwidth digits. */
  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static IllegalArgumentException unparseable(String text) {
    return new IllegalArgumentException(NOT_A_NUMBER + ": " + text);
  }
}
