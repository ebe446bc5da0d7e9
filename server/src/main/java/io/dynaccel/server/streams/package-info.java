/**
 * Invalidation from DynamoDB Streams: the node follows the streams of tables configured with
 * {@code streamInvalidation} and drops what each record's write may have changed, keeping the
 * fill/write rule of the caches. {@link io.dynaccel.server.streams.StreamInvalidation} is the entry;
 * {@link io.dynaccel.server.streams.StreamsApi} is all it needs of the AWS SDK.
 */
package io.dynaccel.server.streams;
