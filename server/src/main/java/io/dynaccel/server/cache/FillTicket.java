package io.dynaccel.server.cache;

/**
 * A read-through fill in progress, taken before the upstream read is sent.
 *
 * @param key the key being filled
 * @param sequence the write-activity sequence number when the fill began
 * @param startNanos ticker time when the fill began
 * @param consistentRead whether the upstream read must be strongly consistent, because the key or
 *     its table was written through this node too recently for an eventually consistent read, or
 *     because this node does not own it (or only lately)
 * @param epoch the ownership epoch the fill began under ({@link Fence}), 0 if it may not install at all
 */
public record FillTicket(ItemKey key, long sequence, long startNanos, boolean consistentRead, long epoch) {}
