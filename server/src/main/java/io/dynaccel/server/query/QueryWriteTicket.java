package io.dynaccel.server.query;

/**
 * A write in progress that may change query results.
 *
 * @param table the table written
 * @param partition the canonical partition key value written, or null for a write that may touch
 *     any item of the table
 */
public record QueryWriteTicket(String table, String partition) {}
