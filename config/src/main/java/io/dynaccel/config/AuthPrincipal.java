package io.dynaccel.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One caller the accelerator knows: its credentials and what it may do. The secret and the session token
 * are read from their file or variable when the configuration is loaded; {@link #toString()} never shows
 * them.
 *
 * @param name the IAM user name, as in {@code arn:aws:iam::<accountId>:user/<name>}
 * @param accessKeyId the access key id the caller signs with
 * @param secretAccessKey the secret the caller signs with
 * @param sessionToken for temporary credentials, the {@code X-Amz-Security-Token} every call must carry;
 *     empty means a call that carries a token is refused
 * @param allow the rules; no rule allows nothing
 */
public record AuthPrincipal(String name, String accessKeyId, @Secret String secretAccessKey, @Secret Optional<String> sessionToken,
    List<AllowRule> allow) {

  /** Copies the rules and checks that nothing is missing. */
  public AuthPrincipal {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(accessKeyId, "accessKeyId");
    Objects.requireNonNull(secretAccessKey, "secretAccessKey");
    Objects.requireNonNull(sessionToken, "sessionToken");
    allow = List.copyOf(Objects.requireNonNull(allow, "allow"));
  }

  /** Names the principal and its rules; the secret and the token are left out. */
  @Override
  public String toString() {
    return "AuthPrincipal[name=" + name + ", accessKeyId=" + accessKeyId + ", secretAccessKey=(hidden)"
        + ", sessionToken=" + (sessionToken.isPresent() ? "(hidden)" : "none") + ", allow=" + allow + "]";
  }
}
