package io.dynaccel.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * HTTPS on the API port: the PEM files of the node's certificate, optionally a client CA for mutual
 * TLS, and how often the files are checked for a new certificate.
 *
 * @param certFile PEM certificate chain, the node's certificate first; set together with {@code keyFile}.
 *     When both are set the API port speaks HTTPS only; when neither is, plain HTTP
 * @param keyFile PEM private key of the certificate, unencrypted: PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1
 *     ({@code BEGIN RSA PRIVATE KEY}) or SEC1 ({@code BEGIN EC PRIVATE KEY})
 * @param clientCaFile PEM bundle of the CAs that sign client certificates; when set, a client without a
 *     certificate signed by one of them is refused in the handshake (mutual TLS). Needs {@code certFile}
 * @param reloadInterval how often the files are read again; changed content is applied to new
 *     connections without a restart. Zero never reloads; default 10s
 */
public record TlsConfig(Optional<Path> certFile, Optional<Path> keyFile, Optional<Path> clientCaFile, Duration reloadInterval) {

  /** Rejects values that {@link ConfigLoader} would reject, and a certificate without its key or the other way round. */
  public TlsConfig {
    Objects.requireNonNull(certFile, "certFile");
    Objects.requireNonNull(keyFile, "keyFile");
    Objects.requireNonNull(clientCaFile, "clientCaFile");
    Settings.TLS_RELOAD_INTERVAL.check(Objects.requireNonNull(reloadInterval, "reloadInterval"));
    if (certFile.isPresent() != keyFile.isPresent()) {
      String set = certFile.isPresent() ? Settings.TLS_CERT_FILE.path() : Settings.TLS_KEY_FILE.path();
      String missing = certFile.isPresent() ? Settings.TLS_KEY_FILE.path() : Settings.TLS_CERT_FILE.path();
      throw new ConfigException(missing + ": must be set together with " + set + " (both or neither), got only " + set);
    }
    if (clientCaFile.isPresent() && certFile.isEmpty()) {
      throw new ConfigException(Settings.TLS_CLIENT_CA_FILE.path() + ": mutual TLS needs HTTPS, so "
          + Settings.TLS_CERT_FILE.path() + " and " + Settings.TLS_KEY_FILE.path() + " must be set too");
    }
  }

  /** Plain HTTP: no certificate. */
  public static TlsConfig none() {
    return new TlsConfig(Optional.empty(), Optional.empty(), Optional.empty(), Settings.TLS_RELOAD_INTERVAL.defaultValue());
  }

  /** Whether the API port speaks HTTPS. */
  public boolean enabled() {
    return certFile.isPresent();
  }

  /** Whether clients must present a certificate signed by {@link #clientCaFile()}. */
  public boolean mutual() {
    return clientCaFile.isPresent();
  }
}
