package io.dynaccel.server.item;

/**
 * A projection this accelerator will not evaluate itself: either DynamoDB rejects it, or we cannot
 * be sure DynamoDB accepts it.
 *
 * <p>It carries no DynamoDB error text on purpose: the caller forwards such requests to DynamoDB,
 * which answers with the official error (or, for the few conservative refusals, a result).
 */
public final class InvalidProjectionException extends Exception {

  private static final long serialVersionUID = 1L;

  /** A refusal with a human-readable reason, for logs only. */
  public InvalidProjectionException(String reason) {
    super(reason, null, false, false);
  }
}
