package io.dynaccel.server.upstream;

import io.dynaccel.server.protocol.DynamoDbException;

/**
 * The upstream could not be asked, or did not answer: a transport failure rather than an answer.
 *
 * <p>{@link #mayHaveArrived()} tells writes whether DynamoDB may have applied the request (a
 * timeout or a reset after sending) or certainly did not (the connection was never made).
 */
public final class UpstreamFailure extends RuntimeException {

  private final boolean mayHaveArrived;
  private final boolean failedFast;

  /** Creates a failure with a message for operators and clients. */
  public UpstreamFailure(String message, boolean mayHaveArrived, Throwable cause) {
    this(message, mayHaveArrived, cause, false);
  }

  private UpstreamFailure(String message, boolean mayHaveArrived, Throwable cause, boolean failedFast) {
    super(message, cause, false, false);
    this.mayHaveArrived = mayHaveArrived;
    this.failedFast = failedFast;
  }

  /** A call the circuit breaker refused to send: it certainly never reached DynamoDB. */
  static UpstreamFailure failedFast(String message) {
    return new UpstreamFailure(message, false, null, true);
  }

  /** Whether the circuit breaker refused the call, as it does for every call while open; logged once, by the breaker. */
  public boolean failedFast() {
    return failedFast;
  }

  /** Whether the request may have reached DynamoDB and been applied. */
  public boolean mayHaveArrived() {
    return mayHaveArrived;
  }

  /** The DynamoDB-shaped error a client gets for this failure. */
  public DynamoDbException toClientError() {
    return mayHaveArrived
        ? DynamoDbException.internal(getMessage())
        : DynamoDbException.unavailable(getMessage());
  }
}
