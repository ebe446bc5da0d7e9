package io.dynaccel.server.auth.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.function.Supplier;
import software.amazon.awssdk.http.auth.aws.internal.signer.CredentialScope;
import software.amazon.awssdk.http.auth.aws.internal.signer.util.SignerUtils;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Derived SigV4 signing keys, per access key, date, region and service. Deriving one costs four HMACs;
 * a key is good for a whole UTC day, so on the hit path a verification derives none.
 */
final class SigningKeys {

  /** Principals × regions × two dates around midnight is small; the bound only stops a flood of odd scopes. */
  private static final int MAX_KEYS = 4096;

  private final Cache<Scope, byte[]> keys = Caffeine.newBuilder().maximumSize(MAX_KEYS).executor(Runnable::run).build();

  private record Scope(String accessKeyId, String date, String region, String service) {}

  /**
   * The signing key of {@code credentials} for a date ({@code yyyyMMdd}), region and service; {@code scope}
   * (the same three as the SDK's type) is built only when the key must be derived.
   */
  byte[] key(AwsCredentialsIdentity credentials, String date, String region, String service, Supplier<CredentialScope> scope) {
    return keys.get(new Scope(credentials.accessKeyId(), date, region, service),
        s -> SignerUtils.deriveSigningKey(credentials, scope.get()));
  }

  /** How many keys are held; for tests of the cache. */
  long size() {
    keys.cleanUp();
    return keys.estimatedSize();
  }
}
