package io.dynaccel.server.tls;

import io.dynaccel.config.ConfigException;
import io.dynaccel.config.TlsConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * The bytes of the node's PEM files as read at one moment. Reads block: call them on a worker.
 *
 * <p>Change is told by content, not by modification time: the files are a few kilobytes, and a copy
 * that keeps the size and lands within the file system's time granularity would be missed by mtime.
 */
final class PemFiles {

  private final TlsConfig config;
  private final byte[] cert;
  private final byte[] key;
  private final byte[] clientCa;

  private PemFiles(TlsConfig config, byte[] cert, byte[] key, byte[] clientCa) {
    this.config = config;
    this.cert = cert;
    this.key = key;
    this.clientCa = clientCa;
  }

  /**
   * Reads every file the configuration names.
   *
   * @throws ConfigException naming the setting and the file when one cannot be read
   */
  static PemFiles read(TlsConfig config) {
    byte[] clientCa = config.clientCaFile().map(file -> read("tls.clientCaFile", file)).orElse(null);
    return new PemFiles(config, read("tls.certFile", config.certFile().orElseThrow()),
        read("tls.keyFile", config.keyFile().orElseThrow()), clientCa);
  }

  private static byte[] read(String setting, Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException | SecurityException e) {
      throw ConfigException.unreadable(setting, file, e);
    }
  }

  /** Whether both reads saw the same bytes in every file. */
  boolean sameContent(PemFiles other) {
    return other != null && Arrays.equals(cert, other.cert) && Arrays.equals(key, other.key) && Arrays.equals(clientCa, other.clientCa);
  }

  byte[] cert() {
    return cert;
  }

  byte[] key() {
    return key;
  }

  Optional<byte[]> clientCa() {
    return Optional.ofNullable(clientCa);
  }

  Path certFile() {
    return config.certFile().orElseThrow();
  }

  Path keyFile() {
    return config.keyFile().orElseThrow();
  }

  Optional<Path> clientCaFile() {
    return config.clientCaFile();
  }
}
