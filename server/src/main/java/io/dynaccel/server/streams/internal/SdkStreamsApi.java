package io.dynaccel.server.streams.internal;

import io.dynaccel.config.UpstreamConfig;
import io.dynaccel.server.streams.StreamsApi;
import io.dynaccel.server.upstream.UpstreamTrust;
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
   * Creates the client; it blocks while it reads the SDK's configuration and endpoint rules.
   *
   * @param upstream where the calls go ({@link UpstreamConfig#effectiveStreamsEndpoint()}), the region they are
   *     signed for and their timeouts
   * @param trust the certificates accepted for the streams endpoint: the same as for DynamoDB
   * @param threads how many calls may run at once: every followed shard has at most one in flight
   */
  public SdkStreamsApi(UpstreamConfig upstream, UpstreamTrust trust, AwsCredentialsProvider credentials, int threads) {
    this.client = DynamoDbStreamsClient.builder()
        .endpointOverride(upstream.effectiveStreamsEndpoint())
        .region(Region.of(upstream.region()))
        .credentialsProvider(credentials)
        .httpClientBuilder(trust.applyTo(UrlConnectionHttpClient.builder().connectionTimeout(upstream.connectTimeout())
            .socketTimeout(upstream.requestTimeout())))
        .overrideConfiguration(ClientOverrideConfiguration.builder().apiCallTimeout(upstream.requestTimeout())
            .retryStrategy(b -> b.maxAttempts(1)).build())
        .build();
    AtomicInteger counter = new AtomicInteger();
    this.calls = Executors.newFixedThreadPool(threads, task -> {
      Thread thread = new Thread(task, "dynaccel-streams-" + counter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
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
