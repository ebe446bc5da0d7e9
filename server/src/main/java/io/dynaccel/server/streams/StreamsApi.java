package io.dynaccel.server.streams;

import java.util.concurrent.CompletionStage;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamResponse;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsRequest;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorResponse;
import software.amazon.awssdk.services.dynamodb.model.ListStreamsRequest;
import software.amazon.awssdk.services.dynamodb.model.ListStreamsResponse;

/**
 * The four calls of the DynamoDB Streams API that stream invalidation makes. The stages complete
 * with the service's answer or fail with its exception ({@code ExpiredIteratorException},
 * {@code TrimmedDataAccessException}, {@code LimitExceededException}, ...), possibly wrapped in a
 * {@link java.util.concurrent.CompletionException}; they never block the caller.
 */
public interface StreamsApi extends AutoCloseable {

  /** ListStreams: the streams of one table, or of every table. */
  CompletionStage<ListStreamsResponse> listStreams(ListStreamsRequest request);

  /** DescribeStream: the stream's status and one page of its shards. */
  CompletionStage<DescribeStreamResponse> describeStream(DescribeStreamRequest request);

  /** GetShardIterator. */
  CompletionStage<GetShardIteratorResponse> getShardIterator(GetShardIteratorRequest request);

  /** GetRecords. */
  CompletionStage<GetRecordsResponse> getRecords(GetRecordsRequest request);

  /** Releases the client's connections and threads. */
  @Override
  void close();
}
