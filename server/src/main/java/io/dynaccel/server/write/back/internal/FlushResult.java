package io.dynaccel.server.write.back.internal;

/** How one {@link FlushItem} left the flusher. */
public enum FlushResult {
  /** DynamoDB acknowledged the write. */
  WRITTEN,
  /** DynamoDB rejected the record itself; it is durably in the dead-letter file. */
  DEAD_LETTERED,
  /** The flusher was stopped before either happened; the record stays in the log for the next start. */
  ABANDONED
}
