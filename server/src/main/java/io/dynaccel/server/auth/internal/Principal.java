package io.dynaccel.server.auth.internal;

import io.dynaccel.config.AuthPrincipal;

/**
 * A configured principal with everything the request path needs worked out once: its user ARN and its
 * compiled rules.
 */
public record Principal(AuthPrincipal config, String userArn, Permissions permissions) {

  static Principal of(AuthPrincipal config, String accountId) {
    return new Principal(config, "arn:aws:iam::" + accountId + ":user/" + config.name(), Permissions.of(config.allow()));
  }

  /** Names the principal only: {@link AuthPrincipal#toString()} already hides its secret. */
  @Override
  public String toString() {
    return userArn;
  }
}
