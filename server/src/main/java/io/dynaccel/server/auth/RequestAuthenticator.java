package io.dynaccel.server.auth;

import io.dynaccel.config.AuthConfig;
import io.dynaccel.config.AuthMode;
import io.dynaccel.server.auth.internal.Authorisation;
import io.dynaccel.server.auth.internal.SignatureVerifier;
import io.dynaccel.server.auth.internal.SigV4Authenticator;
import io.dynaccel.server.protocol.ApiRequest;
import io.vertx.core.MultiMap;
import java.time.Clock;

/**
 * Decides whether a decoded call may be served: who signed it (AWS Signature Version 4, verified as
 * DynamoDB verifies it) and whether that principal's rules allow every action on every table the call
 * touches. A refused call throws the {@link io.dynaccel.server.protocol.DynamoDbException} DynamoDB would
 * answer; an allowed one returns and goes on to the router.
 *
 * <p>It runs after {@link io.dynaccel.server.protocol.RequestDecoder}, so a call DynamoDB would reject
 * for its form (no JSON, unknown operation, missing signature parts, wrong member types) gets the same
 * error as without authentication.
 */
public interface RequestAuthenticator {

  /** {@code auth.mode: none}: every call is served, at no cost. */
  RequestAuthenticator NONE = (path, query, headers, request) -> { };

  /**
   * Checks one call.
   *
   * @param path the raw (still percent-encoded) request path
   * @param query the raw query string, or null when the URI has none
   * @param headers the request headers
   * @param request the decoded call, with the body exactly as it arrived
   * @throws io.dynaccel.server.protocol.DynamoDbException when DynamoDB would refuse the call
   */
  void authenticate(String path, String query, MultiMap headers, ApiRequest request);

  /**
   * The authenticator the configuration asks for.
   *
   * @param auth the {@code auth} settings
   * @param upstreamRegion the region of the upstream, allowed in credential scopes when {@code auth.regions} is empty
   * @param clock the time that signature dates are checked against
   */
  static RequestAuthenticator of(AuthConfig auth, String upstreamRegion, Clock clock) {
    if (auth.mode() == AuthMode.NONE) {
      return NONE;
    }
    return new SigV4Authenticator(new SignatureVerifier(auth, upstreamRegion, clock), new Authorisation(auth.accountId()));
  }
}
