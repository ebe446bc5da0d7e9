package io.dynaccel.server.streams.internal;

import io.dynaccel.server.streams.StreamsApi;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamResponse;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsRequest;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorResponse;
import software.amazon.awssdk.services.dynamodb.model.ListStreamsRequest;
import software.amazon.awssdk.services.dynamodb.model.ListStreamsResponse;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * {@link StreamsApi} over the AWS SDK's synchronous {@link DynamoDbStreamsClient}, whose calls run
 * on a few threads of its own so that no event loop ever waits for DynamoDB Streams. The SDK does
 * not retry: the caller backs off itself, and a retry inside the SDK would only hide throttling.
 */
public final class SdkStreamsApi implements StreamsApi {

  private final DynamoDbStreamsClient client;
  private final ExecutorService calls;

  /**
   * Creates the client.
   *
   * @param endpoint the streams endpoint, see {@link #endpointFor}
   * @param threads how many calls may run at once: every followed shard has at most one in flight
   */
  public SdkStreamsApi(URI endpoint, String region, AwsCredentialsProvider credentials, Duration connectTimeout,
      Duration requestTimeout, int threads) {
    this.client = DynamoDbStreamsClient.builder()
        .endpointOverride(endpoint)
        .region(Region.of(region))
        .credentialsProvider(credentials)
        .httpClientBuilder(UrlConnectionHttpClient.builder().connectionTimeout(connectTimeout).socketTimeout(requestTimeout))
        .overrideConfiguration(ClientOverrideConfiguration.builder().apiCallTimeout(requestTimeout).retryStrategy(b -> b.maxAttempts(1)).build())
        .build();
    AtomicInteger counter = new AtomicInteger();
    this.calls = Executors.newFixedThreadPool(threads, task -> {
      Thread thread = new Thread(task, "dynaccel-streams-" + counter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * The DynamoDB Streams endpoint that goes with a DynamoDB endpoint: AWS serves streams on a host
   * of its own ({@code streams.dynamodb.<region>.amazonaws.com}); emulators and proxies (LocalStack,
   * a VPC endpoint given as {@code upstream.endpoint}) serve both on one endpoint.
   */
  public static URI endpointFor(URI dynamoDb) {
    String host = dynamoDb.getHost();
    if (host != null && host.startsWith("dynamodb.") && (host.endsWith(".amazonaws.com") || host.endsWith(".amazonaws.com.cn"))) {
      return URI.create(dynamoDb.getScheme() + "://streams." + host);
    }
    return dynamoDb;
  }

  @Override
  public CompletionStage<ListStreamsResponse> listStreams(ListStreamsRequest request) {
    return call(() -> client.listStreams(request));
  }

  @Override
  public CompletionStage<DescribeStreamResponse> describeStream(DescribeStreamRequest request) {
    return call(() -> client.describeStream(request));
  }

  @Override
  public CompletionStage<GetShardIteratorResponse> getShardIterator(GetShardIteratorRequest request) {
    return call(() -> client.getShardIterator(request));
  }

  @Override
  public CompletionStage<GetRecordsResponse> getRecords(GetRecordsRequest request) {
    return call(() -> client.getRecords(request));
  }

  private <T> CompletionStage<T> call(Supplier<T> call) {
    return CompletableFuture.supplyAsync(call, calls);
  }

  @Override
  public void close() {
    calls.shutdownNow();
    client.close();
  }
}
