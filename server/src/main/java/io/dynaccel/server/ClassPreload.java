package io.dynaccel.server;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.dynaccel.server.protocol.JsonCodec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Loads and initialises, on a thread of its own while the main thread reads the configuration and
 * starts Vert.x, the libraries that the first answers need and that nothing at start-up touches:
 * Jackson's reader and writer (the first readiness answer and the first call), the SDK's SigV4
 * signer (the first call sent upstream), and Caffeine's cache of the item cache's kind (built
 * late in start-up). Start-up is mostly single-threaded class loading, so on a
 * machine with a second core this takes their few hundred classes off the path to ready.
 */
final class ClassPreload {

  private ClassPreload() {}

  /** Starts the preloading thread, a daemon that ends when it is done. */
  static void start() {
    Thread thread = new Thread(ClassPreload::run, "dynaccel-preload");
    thread.setDaemon(true);
    thread.start();
  }

  private static void run() {
    try {
      JsonCodec.write(JsonCodec.read("{\"a\":[{\"S\":\"b\"},1.5,true,null]}".getBytes(StandardCharsets.UTF_8)));
      SdkHttpRequest request = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(URI.create("http://127.0.0.1/")).build();
      AwsV4HttpSigner.create().sign(r -> r.identity(AwsCredentialsIdentity.create("preload", "preload"))
          .request(request)
          .payload(ContentStreamProvider.fromUtf8String("{}"))
          .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "dynamodb")
          .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1"));
      // The item cache's features: Caffeine loads a cache class of its own for each combination.
      Caffeine.newBuilder().executor(Runnable::run).maximumWeight(1).weigher((String key, String value) -> 1)
          .expireAfter(Expiry.accessing((String key, String value) -> Duration.ofSeconds(1)))
          .removalListener((key, value, cause) -> { })
          .build().put("preload", "preload");
    } catch (RuntimeException | LinkageError e) {
      // Only a head start: whatever fails here fails again, and is reported, where it is really used.
    }
  }
}
