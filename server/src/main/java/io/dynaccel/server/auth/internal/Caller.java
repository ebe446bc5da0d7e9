package io.dynaccel.server.auth.internal;

/**
 * A principal whose signature on the current call was verified, with the region its credential scope
 * named (the region of the ARNs in an access-denied message).
 */
public record Caller(Principal principal, String region) {}
