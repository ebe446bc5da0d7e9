package io.dynaccel.server.tls;

import io.dynaccel.config.ConfigException;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.X509KeyManager;

/**
 * A certificate, its key and the optional client CAs, checked to be usable before any front serves
 * them: each file parses, and the key is the certificate's own.
 *
 * <p>The last check is the one a half-finished swap fails (the new certificate is on disk, the old key
 * still beside it). Neither the JDK nor Vert.x compares the two when building a TLS context, so
 * without it every handshake would fail until the key file is written too.
 */
final class ServerCertificate {

  private static final byte[] CHALLENGE = "dynaccel: is this the certificate's key?".getBytes(StandardCharsets.US_ASCII);

  private final PemFiles files;
  private final X509Certificate leaf;
  private final PemKeyCertOptions keyCert;
  private final PemTrustOptions clientCas;

  private ServerCertificate(PemFiles files, X509Certificate leaf, PemKeyCertOptions keyCert, PemTrustOptions clientCas) {
    this.files = files;
    this.leaf = leaf;
    this.keyCert = keyCert;
    this.clientCas = clientCas;
  }

  /**
   * Checks the files; parsing costs a few milliseconds, so call this on a worker.
   *
   * @throws ConfigException naming the setting and the file that is not usable
   */
  static ServerCertificate of(PemFiles files, Vertx vertx) {
    List<X509Certificate> chain = certificates("tls.certFile", files.certFile(), files.cert());
    PemKeyCertOptions keyCert = new PemKeyCertOptions().setCertValue(Buffer.buffer(files.cert())).setKeyValue(Buffer.buffer(files.key()));
    checkKeyMatches(keyCert, chain.get(0), files, vertx);
    PemTrustOptions clientCas = null;
    if (files.clientCa().isPresent()) {
      Path caFile = files.clientCaFile().orElseThrow();
      certificates("tls.clientCaFile", caFile, files.clientCa().get());
      clientCas = new PemTrustOptions().addCertValue(Buffer.buffer(files.clientCa().get()));
      try {
        clientCas.getTrustManagerFactory(vertx);
      } catch (Exception e) {
        throw new ConfigException("tls.clientCaFile '" + caFile + "': not a usable PEM CA bundle (" + e.getMessage() + ")");
      }
    }
    return new ServerCertificate(files, chain.get(0), keyCert, clientCas);
  }

  /** The X.509 certificates of a PEM file, at least one. */
  static List<X509Certificate> certificates(String setting, Path file, byte[] pem) {
    Collection<? extends Certificate> parsed;
    try {
      parsed = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem));
    } catch (CertificateException e) {
      throw new ConfigException(setting + " '" + file + "': not a PEM certificate (" + e.getMessage() + ")");
    }
    if (parsed.isEmpty()) {
      throw new ConfigException(setting + " '" + file + "': holds no PEM certificate");
    }
    return parsed.stream().map(X509Certificate.class::cast).toList();
  }

  private static void checkKeyMatches(PemKeyCertOptions keyCert, X509Certificate leaf, PemFiles files, Vertx vertx) {
    String problem = "tls.keyFile '" + files.keyFile() + "': ";
    PrivateKey key;
    try {
      key = privateKey(keyCert.getKeyManagerFactory(vertx), leaf.getPublicKey());
    } catch (Exception e) {
      throw new ConfigException(problem + "not a usable unencrypted PEM private key (" + e.getMessage() + ")");
    }
    if (key == null || !signsFor(key, leaf.getPublicKey())) {
      throw new ConfigException(problem + "is not the private key of the certificate in tls.certFile '" + files.certFile() + "'");
    }
  }

  private static PrivateKey privateKey(KeyManagerFactory factory, PublicKey publicKey) {
    for (KeyManager manager : factory.getKeyManagers()) {
      if (manager instanceof X509KeyManager x509) {
        String[] aliases = x509.getServerAliases(publicKey.getAlgorithm(), null);
        if (aliases != null && aliases.length > 0) {
          return x509.getPrivateKey(aliases[0]);
        }
      }
    }
    return null;
  }

  /** Signs a challenge with the key and verifies it with the certificate's public key. */
  private static boolean signsFor(PrivateKey key, PublicKey publicKey) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "DSA" -> "SHA256withDSA";
      case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
      // A kind of key the check does not know how to sign with (RSASSA-PSS needs parameters) is not refused for that.
      default -> null;
    };
    if (algorithm == null) {
      return key.getAlgorithm().equals(publicKey.getAlgorithm());
    }
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(CHALLENGE);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(CHALLENGE);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** Makes {@code options} HTTPS with this certificate, and mutual TLS with the client CAs if there are any. */
  HttpServerOptions secure(HttpServerOptions options) {
    options.setSsl(true).setKeyCertOptions(keyCert.copy());
    return clientCas == null
        ? options.setTrustOptions(null).setClientAuth(ClientAuth.NONE)
        : options.setTrustOptions(clientCas.copy()).setClientAuth(ClientAuth.REQUIRED);
  }

  /** A front's TLS settings: {@code template}'s own (protocols, handshake timeout) with this certificate and client CAs. */
  ServerSSLOptions applyTo(ServerSSLOptions template) {
    ServerSSLOptions options = template.copy().setKeyCertOptions(keyCert.copy());
    return clientCas == null
        ? options.setTrustOptions(null).setClientAuth(ClientAuth.NONE)
        : options.setTrustOptions(clientCas.copy()).setClientAuth(ClientAuth.REQUIRED);
  }

  PemFiles files() {
    return files;
  }

  /** When the certificate stops being valid. */
  Instant notAfter() {
    return leaf.getNotAfter().toInstant();
  }

  /** Subject, serial number and validity, for the log. */
  String describe() {
    return "subject '" + leaf.getSubjectX500Principal().getName() + "', serial " + leaf.getSerialNumber().toString(16)
        + ", valid until " + notAfter();
  }
}
