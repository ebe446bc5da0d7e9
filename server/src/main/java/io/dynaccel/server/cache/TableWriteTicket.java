package io.dynaccel.server.cache;

/**
 * A write in progress that may change any item of a table, taken before it is sent upstream.
 *
 * @param table the table being written
 */
public record TableWriteTicket(String table) {}
