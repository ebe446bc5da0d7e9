/**
 * The write-ahead log behind write-back: opaque records appended in order, made durable with group
 * commit on one thread, replayed on start, and deleted segment by segment once a checkpoint says
 * they are no longer needed. It knows nothing of DynamoDB; {@link io.dynaccel.server.wal.WriteAheadLog}
 * is its whole surface.
 */
package io.dynaccel.server.wal;
