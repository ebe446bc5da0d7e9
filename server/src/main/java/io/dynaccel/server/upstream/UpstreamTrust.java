package io.dynaccel.server.upstream;

import io.dynaccel.config.ConfigException;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.TrustOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Optional;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * Which certificates the upstream connections accept from DynamoDB and from DynamoDB Streams: the JVM's
 * default CAs, plus the CAs of {@code upstream.trustCaFile} if it is set. The host name is verified either way.
 *
 * <p>Vert.x trust options replace the JVM's trust rather than add to it, so the extra CAs go into one
 * trust store together with the JVM's own anchors: a node that trusts a private CA for its VPC
 * endpoint still verifies a public DynamoDB endpoint.
 */
public final class UpstreamTrust {

  private static final UpstreamTrust JVM_DEFAULT = new UpstreamTrust(null);

  private final TrustManagerFactory trust;

  private UpstreamTrust(TrustManagerFactory trust) {
    this.trust = trust;
  }

  /** The JVM's default CAs only. */
  public static UpstreamTrust jvmDefault() {
    return JVM_DEFAULT;
  }

  /**
   * The JVM's default CAs plus those of {@code caFile}, if given. Reads the file: call it on a worker.
   *
   * @throws ConfigException naming the setting and the file when it cannot be read or holds no certificate
   */
  public static UpstreamTrust load(Optional<Path> caFile) {
    return caFile.isEmpty() ? JVM_DEFAULT : load("upstream.trustCaFile", caFile.get());
  }

  /**
   * The JVM's default CAs plus the certificates of a PEM file, named in errors by {@code setting}:
   * also what members of a cluster trust for each other's API ports (the JVM's CAs and the node's own
   * certificate chain). Reads the file: call it on a worker.
   *
   * @throws ConfigException naming the setting and the file when it cannot be read or holds no certificate
   */
  public static UpstreamTrust load(String setting, Path file) {
    Collection<? extends Certificate> extra;
    try (InputStream in = Files.newInputStream(file)) {
      extra = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (IOException | SecurityException e) {
      throw ConfigException.unreadable(setting, file, e);
    } catch (CertificateException e) {
      throw new ConfigException(setting + " '" + file + "': not a PEM certificate bundle (" + e.getMessage() + ")");
    }
    if (extra.isEmpty()) {
      throw new ConfigException(setting + " '" + file + "': holds no PEM certificate");
    }
    try {
      KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
      anchors.load(null, null);
      int n = 0;
      for (X509Certificate ca : jvmAnchors()) {
        anchors.setCertificateEntry("jvm-" + n++, ca);
      }
      for (Certificate ca : extra) {
        anchors.setCertificateEntry("upstream-trust-ca-" + n++, ca);
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(anchors);
      return new UpstreamTrust(factory);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("Could not build the upstream trust store: " + e.getMessage(), e);
    }
  }

  private static X509Certificate[] jvmAnchors() throws GeneralSecurityException {
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init((KeyStore) null);
    for (TrustManager manager : factory.getTrustManagers()) {
      if (manager instanceof X509TrustManager x509) {
        return x509.getAcceptedIssuers();
      }
    }
    return new X509Certificate[0];
  }

  /** Sets the trust on the upstream client's options; never trust-all, and the host name is always checked. */
  public HttpClientOptions applyTo(HttpClientOptions options) {
    options.setTrustAll(false).setVerifyHost(true);
    return trust == null ? options : options.setTrustOptions(TrustOptions.wrap(trust));
  }

  /**
   * Sets the trust on the HTTP client of the DynamoDB Streams client (stream invalidation), so a private CA in front
   * of the endpoints is trusted there too. That client never trusts all and always checks the host name.
   */
  public UrlConnectionHttpClient.Builder applyTo(UrlConnectionHttpClient.Builder builder) {
    return trust == null ? builder : builder.tlsTrustManagersProvider(trust::getTrustManagers);
  }
}
