package io.dynaccel.server.auth.internal;

import io.dynaccel.server.auth.RequestAuthenticator;
import io.dynaccel.server.protocol.ApiRequest;
import io.vertx.core.MultiMap;

/** {@code auth.mode: sigv4}: the signature first (who is calling), then the rules (what it may do). */
public final class SigV4Authenticator implements RequestAuthenticator {

  private final SignatureVerifier verifier;
  private final Authorisation authorisation;

  /** Combines the two checks. */
  public SigV4Authenticator(SignatureVerifier verifier, Authorisation authorisation) {
    this.verifier = verifier;
    this.authorisation = authorisation;
  }

  @Override
  public void authenticate(String path, String query, MultiMap headers, ApiRequest request) {
    authorisation.check(verifier.verify("POST", path, query, headers, request.body()), request);
  }
}
