package io.dynaccel.server.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority made in the test run, so no private key is ever committed: it issues
 * server certificates for 127.0.0.1 and client certificates, and writes them as PEM files.
 */
public final class TestCa {

  private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

  private final Issued self;

  private TestCa(Issued self) {
    this.self = self;
  }

  /** A new self-signed CA. */
  public static TestCa create(String name) {
    KeyPair keys = keyPair("EC");
    X500Name subject = new X500Name("CN=" + name);
    return new TestCa(sign(subject, keys, subject, keys.getPrivate(), builder -> {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    }));
  }

  /** The CA's own certificate. */
  public X509Certificate certificate() {
    return self.certificate();
  }

  /** A server certificate for {@code 127.0.0.1} and {@code localhost}, with an EC key. */
  public Issued server(String commonName) {
    return server(commonName, "EC", List.of("127.0.0.1", "localhost"));
  }

  /**
   * A server certificate for the given names (IP addresses or DNS names).
   *
   * @param keyAlgorithm {@code EC} or {@code RSA}
   */
  public Issued server(String commonName, String keyAlgorithm, List<String> names) {
    List<GeneralName> alternatives = new ArrayList<>();
    for (String name : names) {
      alternatives.add(new GeneralName(name.chars().allMatch(c -> c == '.' || Character.isDigit(c))
          ? GeneralName.iPAddress : GeneralName.dNSName, name));
    }
    return issue(commonName, keyAlgorithm, KeyPurposeId.id_kp_serverAuth, new GeneralNames(alternatives.toArray(GeneralName[]::new)));
  }

  /** A client certificate, for mutual TLS. */
  public Issued client(String commonName) {
    return issue(commonName, "EC", KeyPurposeId.id_kp_clientAuth, null);
  }

  private Issued issue(String commonName, String keyAlgorithm, KeyPurposeId purpose, GeneralNames names) {
    KeyPair keys = keyPair(keyAlgorithm);
    X500Name issuer = new X500Name(self.certificate().getSubjectX500Principal().getName());
    return sign(new X500Name("CN=" + commonName), keys, issuer, self.keys().getPrivate(), builder -> {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
      if (names != null) {
        builder.addExtension(Extension.subjectAlternativeName, false, names);
      }
    });
  }

  /** Writes the CA certificate as a PEM file. */
  public Path writeCertificate(Path file) throws IOException {
    return Files.writeString(file, pem("CERTIFICATE", encoded(self.certificate())));
  }

  /** A client SSL context that trusts this CA and, if {@code client} is given, presents it. */
  public SSLContext clientContext(Issued client) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(client == null ? null : client.keyManagers(), trustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Trust that accepts this CA only. */
  public TrustManagerFactory trustManagerFactory() {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setCertificateEntry("test-ca", self.certificate());
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      return factory;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The trust managers of {@link #trustManagerFactory()}. */
  public TrustManager[] trustManagers() {
    return trustManagerFactory().getTrustManagers();
  }

  /** A certificate with its key pair, as issued by a {@link TestCa}. */
  public record Issued(X509Certificate certificate, KeyPair keys) {

    /** The serial number, as a new handshake shows it. */
    public BigInteger serial() {
      return certificate.getSerialNumber();
    }

    /** The certificate in PEM. */
    public String certificatePem() {
      return pem("CERTIFICATE", encoded(certificate));
    }

    /** The private key in PKCS#8 PEM. */
    public String keyPem() {
      return pem("PRIVATE KEY", keys.getPrivate().getEncoded());
    }

    /** Writes the certificate, then the key, over whatever the files hold. */
    public void write(Path certFile, Path keyFile) throws IOException {
      Files.writeString(certFile, certificatePem());
      Files.writeString(keyFile, keyPem());
    }

    /** Key managers that present this certificate. */
    public KeyManager[] keyManagers() {
      try {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("key", keys.getPrivate(), new char[0], new X509Certificate[] {certificate});
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, new char[0]);
        return factory.getKeyManagers();
      } catch (GeneralSecurityException | IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private interface Extensions {
    void add(X509v3CertificateBuilder builder) throws IOException;
  }

  private static Issued sign(X500Name subject, KeyPair keys, X500Name issuer, PrivateKey issuerKey, Extensions extensions) {
    Instant now = Instant.now();
    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIALS.incrementAndGet()),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), subject, keys.getPublic());
    try {
      extensions.add(builder);
      String algorithm = issuerKey.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
      X509Certificate certificate = new JcaX509CertificateConverter()
          .getCertificate(builder.build(new JcaContentSignerBuilder(algorithm).build(issuerKey)));
      return new Issued(certificate, keys);
    } catch (IOException | OperatorCreationException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair keyPair(String algorithm) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
      if (algorithm.equals("EC")) {
        generator.initialize(new ECGenParameterSpec("secp256r1"));
      } else {
        generator.initialize(2048);
      }
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] encoded(X509Certificate certificate) {
    try {
      return certificate.getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
