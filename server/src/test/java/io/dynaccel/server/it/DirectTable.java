package io.dynaccel.server.it;

import io.dynaccel.localstack.DynamoDbEmulator;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * A table keyed by a string {@code id}, created and read directly in the emulator, never through
 * a node: what a process-level test checks its acknowledged writes against.
 */
final class DirectTable implements AutoCloseable {

  static final StaticCredentialsProvider CREDENTIALS = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));

  private final String name;
  private final DynamoDbClient direct;

  private DirectTable(String name, DynamoDbClient direct) {
    this.name = name;
    this.direct = direct;
  }

  /**
   * Creates the table and waits until it is ACTIVE: dynalite, like DynamoDB, keeps a new table
   * CREATING for a moment and rejects items written to it meanwhile.
   */
  static DirectTable create(DynamoDbEmulator emulator, String name) {
    DynamoDbClient direct = DynamoDbClient.builder()
        .endpointOverride(emulator.endpoint())
        .region(Region.of(emulator.region()))
        .credentialsProvider(CREDENTIALS)
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD))
        .build();
    direct.createTable(b -> b.tableName(name)
        .attributeDefinitions(AttributeDefinition.builder().attributeName("id").attributeType(ScalarAttributeType.S).build())
        .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build())
        .billingMode(BillingMode.PAY_PER_REQUEST));
    direct.waiter().waitUntilTableExists(b -> b.tableName(name));
    return new DirectTable(name, direct);
  }

  String name() {
    return name;
  }

  static Map<String, AttributeValue> key(String id) {
    return Map.of("id", AttributeValue.fromS(id));
  }

  /** The item DynamoDB holds for {@code id} (a consistent read), or null when it holds none. */
  Map<String, AttributeValue> read(String id) {
    Map<String, AttributeValue> item = direct.getItem(b -> b.tableName(name).key(key(id)).consistentRead(true)).item();
    return item == null || item.isEmpty() ? null : item;
  }

  /**
   * A client for a node that never retries: a retried write could be applied twice, or applied
   * after the test has written it off as failed.
   */
  static DynamoDbClient noRetryClient(URI endpoint, Duration apiCallTimeout) {
    return DynamoDbClient.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(CREDENTIALS)
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()).apiCallTimeout(apiCallTimeout))
        .build();
  }

  @Override
  public void close() {
    direct.close();
  }
}
