package io.dynaccel.server.cluster;

/**
 * A forwarded call that the owner did not answer: it could not be reached, or the connection broke,
 * or it did not answer in time, or it answered that it does not own the call's partition
 * ({@link Forwarder#MISROUTED}). {@link #mayHaveArrived()} says whether the owner may have executed it.
 */
public final class OwnerUnreachable extends RuntimeException {

  private final NodeInfo owner;
  private final boolean mayHaveArrived;

  /** Creates the failure of a call to {@code owner}. */
  public OwnerUnreachable(NodeInfo owner, boolean mayHaveArrived, String message, Throwable cause) {
    super(message, cause, false, false);
    this.owner = owner;
    this.mayHaveArrived = mayHaveArrived;
  }

  /** The member the call was sent to. */
  public NodeInfo owner() {
    return owner;
  }

  /**
   * Whether the owner may have received the call and executed it (a timeout or a reset after the call
   * was sent), rather than certainly not (no connection was made).
   */
  public boolean mayHaveArrived() {
    return mayHaveArrived;
  }
}
