package io.dynaccel.server.cache;

/**
 * A write of one key in progress, taken before the write is sent upstream.
 *
 * @param key the key being written
 * @param sequence the write-activity sequence number when the write began
 * @param epoch the ownership epoch the write began under ({@link Fence}), 0 if its result may not be installed
 */
public record WriteTicket(ItemKey key, long sequence, long epoch) {}
