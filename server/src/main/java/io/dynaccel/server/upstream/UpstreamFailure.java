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

  /** Creates a failure with a message for operators and clients. */
  public UpstreamFailure(String message, boolean mayHaveArrived, Throwable cause) {
    super(message, cause, false, false);
    this.mayHaveArrived = mayHaveArrived;
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
