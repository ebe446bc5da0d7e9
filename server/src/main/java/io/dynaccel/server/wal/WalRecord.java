package io.dynaccel.server.wal;

/**
 * One record read back from the log on recovery.
 *
 * @param seq the sequence number {@link WriteAheadLog#append} returned for it
 * @param payload the bytes appended, as they were
 */
public record WalRecord(long seq, byte[] payload) {}
