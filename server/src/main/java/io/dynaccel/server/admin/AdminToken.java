package io.dynaccel.server.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The bearer token the admin listener asks of every request when {@code admin.tokenFile} is set.
 *
 * <p>Compared in constant time: the SHA-256 digests of the offered and the expected token are
 * compared with {@link MessageDigest#isEqual}, so the time an answer takes tells a caller nothing
 * about how much of a guess was right, nor the token's length. Never printed: {@link #toString}
 * names only the file.
 */
public final class AdminToken {

  private static final String BEARER = "Bearer ";

  /** The token's SHA-256 digest; the token itself is not kept. */
  private final byte[] token;
  private final Path file;

  private AdminToken(byte[] token, Path file) {
    this.token = token;
    this.file = file;
  }

  /**
   * Reads the token from the file: its content without surrounding whitespace (a trailing newline
   * is what editors and {@code echo} leave).
   *
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException if it holds no token
   */
  public static AdminToken read(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8).strip();
    if (text.isEmpty()) {
      throw new IllegalArgumentException("admin.tokenFile " + file + " is empty: it must hold the admin bearer token");
    }
    return new AdminToken(sha256(text), file);
  }

  /** Whether an {@code Authorization} header value carries this token as {@code Bearer <token>}. */
  public boolean accepts(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return false;
    }
    return MessageDigest.isEqual(sha256(authorization.substring(BEARER.length()).strip()), token);
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return "AdminToken[file=" + file + "]";
  }
}
