package io.dynaccel.server.streams;

import io.dynaccel.server.table.KeySchema;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * What every follower and shard reader of one {@link StreamInvalidation} works with.
 *
 * @param api the DynamoDB Streams calls
 * @param schemas the key schema of a table, or null if it is not known; never fails
 * @param invalidator drops what a record's write may have changed
 * @param meters invalidations, lag and errors
 * @param scheduling where and when the work runs
 */
record StreamsContext(StreamsApi api, Function<String, CompletionStage<KeySchema>> schemas, CacheInvalidator invalidator,
    StreamMeters meters, Scheduling scheduling) {
}
