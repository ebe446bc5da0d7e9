package io.dynaccel.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.scheme.AwsV4AuthScheme;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignRequest;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignedRequest;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.identity.spi.IdentityProviders;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.ExecuteStatementRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

/**
 * Every authentication and authorisation case with real SDK v2 clients, sync and async, against a real node
 * in front of dynalite. dynalite checks no signature and no permission at all, so DynamoDB's documented
 * behaviour (and the answers DynamoDB gives, as users report them) is the specification here: status 400,
 * {@code __type} and message exactly as DynamoDB writes them.
 */
class AuthMatrixIT {

  @RegisterExtension static DynamoDbEmulatorExtension upstream = new DynamoDbEmulatorExtension();

  private static final String ACCOUNT = "123456789012";
  private static final String A = "AuthA";
  private static final String B = "AuthB";
  private static final String MISMATCH = "The request signature we calculated does not match the signature you provided."
      + " Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
  private static final String BAD_TOKEN = "The security token included in the request is invalid.";

  private static AcceleratorFixture node;
  private static Path dir;
  private static String region;
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("auth-matrix");
    Files.writeString(dir.resolve("full.secret"), "full-secret\n");
    Files.writeString(dir.resolve("reader.secret"), "reader-secret");
    Files.writeString(dir.resolve("only-a.secret"), "only-a-secret");
    Path config = Files.writeString(dir.resolve("dynaccel.yaml"), """
        auth:
          principals:
            - name: full
              accessKeyId: AKIDFULL
              secretFile: %1$s/full.secret
              allow:
                - { operations: ["*"], tables: ["*"] }
            - name: reader
              accessKeyId: AKIDREADER
              secretFile: %1$s/reader.secret
              allow:
                - { operations: [read], tables: ["*"] }
            - name: only-a
              accessKeyId: AKIDONLYA
              secretFile: %1$s/only-a.secret
              allow:
                - { operations: ["*"], tables: [AuthA] }
        """.formatted(dir));
    region = upstream.emulator().region();
    node = AcceleratorFixture.start(upstream.emulator(), config, "auth.mode=sigv4", "auth.accountId=" + ACCOUNT);
    try (DynamoDbClient direct = DynamoDbClient.builder().endpointOverride(upstream.emulator().endpoint()).region(Region.of(region))
        .credentialsProvider(credentials("test", "test")).httpClient(UrlConnectionHttpClient.create()).build()) {
      for (String table : List.of(A, B)) {
        direct.createTable(CreateTableRequest.builder().tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
            .attributeDefinitions(attribute("pk"), attribute("other"))
            .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build())
            .globalSecondaryIndexes(GlobalSecondaryIndex.builder().indexName("byOther")
                .keySchema(KeySchemaElement.builder().attributeName("other").keyType(KeyType.HASH).build())
                .projection(Projection.builder().projectionType(ProjectionType.ALL).build()).build())
            .build());
        direct.waiter().waitUntilTableExists(r -> r.tableName(table));
      }
    }
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  private static AttributeDefinition attribute(String name) {
    return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
  }

  private static StaticCredentialsProvider credentials(String key, String secret) {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(key, secret));
  }

  private static Map<String, AttributeValue> key(String pk) {
    return Map.of("pk", AttributeValue.fromS(pk));
  }

  /** Runs the same call on a sync or an async client built with these credentials and signing clock. */
  private static <T> T call(boolean async, AwsCredentialsProvider credentials, Clock signingClock,
      Function<DynamoDbClient, T> sync, Function<DynamoDbAsyncClient, CompletableFuture<T>> asynchronous) {
    AwsV4AuthScheme scheme = new ClockedScheme(signingClock);
    if (!async) {
      try (DynamoDbClient client = DynamoDbClient.builder().endpointOverride(node.endpoint()).region(Region.of(region))
          .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).putAuthScheme(scheme)
          .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build()) {
        return sync.apply(client);
      }
    }
    try (DynamoDbAsyncClient client = DynamoDbAsyncClient.builder().endpointOverride(node.endpoint()).region(Region.of(region))
        .credentialsProvider(credentials).httpClient(NettyNioAsyncHttpClient.create()).putAuthScheme(scheme)
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build()) {
      return asynchronous.apply(client).join();
    } catch (CompletionException e) {
      throw (RuntimeException) e.getCause();
    }
  }

  private static <T> T call(boolean async, AwsCredentialsProvider credentials, Function<DynamoDbClient, T> sync,
      Function<DynamoDbAsyncClient, CompletableFuture<T>> asynchronous) {
    return call(async, credentials, Clock.systemUTC(), sync, asynchronous);
  }

  private static AwsServiceException refused(Runnable call) {
    return catchThrowableOfType(AwsServiceException.class, call::run);
  }

  private static void assertError(AwsServiceException e, String type, String message) {
    assertThat(e).as("refused").isNotNull();
    assertThat(e.statusCode()).isEqualTo(400);
    assertThat(e.awsErrorDetails().errorCode()).isEqualTo(type);
    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(message);
  }

  private static String denied(String user, String action, String resource) {
    return "User: arn:aws:iam::" + ACCOUNT + ":user/" + user + " is not authorized to perform: dynamodb:" + action
        + " on resource: arn:aws:dynamodb:" + region + ":" + ACCOUNT + ":" + resource
        + " because no identity-based policy allows the dynamodb:" + action + " action";
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void call_whenCorrectKey_servesColdAndWarm(boolean async) {
    String pk = "right-" + async;
    PutItemRequest put = PutItemRequest.builder().tableName(A).item(Map.of("pk", AttributeValue.fromS(pk), "v", AttributeValue.fromN("1"))).build();
    call(async, credentials("AKIDFULL", "full-secret"), c -> c.putItem(put), c -> c.putItem(put));
    GetItemRequest get = GetItemRequest.builder().tableName(A).key(key(pk)).build();

    for (String principal : List.of("AKIDFULL", "AKIDREADER", "AKIDONLYA")) {
      String secret = Map.of("AKIDFULL", "full-secret", "AKIDREADER", "reader-secret", "AKIDONLYA", "only-a-secret").get(principal);
      // The first read fills the cache, the later ones are hits; each is authenticated the same.
      assertThat(call(async, credentials(principal, secret), c -> c.getItem(get), c -> c.getItem(get)).item())
          .containsEntry("v", AttributeValue.fromN("1"));
    }
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void call_whenWrongSecret_refusesWithSignatureMismatch(boolean async) {
    GetItemRequest get = GetItemRequest.builder().tableName(A).key(key("x")).build();

    assertError(refused(() -> call(async, credentials("AKIDFULL", "wrong"), c -> c.getItem(get), c -> c.getItem(get))),
        "InvalidSignatureException", MISMATCH);
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void call_whenUnknownKey_refusesAsUnrecognizedClient(boolean async) {
    GetItemRequest get = GetItemRequest.builder().tableName(A).key(key("x")).build();

    assertError(refused(() -> call(async, credentials("AKIDNOBODY", "x"), c -> c.getItem(get), c -> c.getItem(get))),
        "UnrecognizedClientException", BAD_TOKEN);
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void call_whenSignedTwentyMinutesAgo_refusesAsExpired(boolean async) {
    GetItemRequest get = GetItemRequest.builder().tableName(A).key(key("x")).build();
    Clock past = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-20));

    AwsServiceException e = refused(() -> call(async, credentials("AKIDFULL", "full-secret"), past, c -> c.getItem(get), c -> c.getItem(get)));

    assertThat(e.statusCode()).isEqualTo(400);
    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
    assertThat(e.awsErrorDetails().errorMessage())
        .matches("Signature expired: \\d{8}T\\d{6}Z is now earlier than \\d{8}T\\d{6}Z \\(\\d{8}T\\d{6}Z - 15 min\\.\\)");
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void call_whenUnsigned_refusesAsMissingToken(boolean async) {
    GetItemRequest get = GetItemRequest.builder().tableName(A).key(key("x")).build();

    assertError(refused(() -> call(async, AnonymousCredentialsProvider.create(), c -> c.getItem(get), c -> c.getItem(get))),
        "MissingAuthenticationTokenException", "Request is missing Authentication Token");
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void call_whenTemporaryCredentialsWithoutConfiguredToken_refusesAsUnrecognizedClient(boolean async) {
    GetItemRequest get = GetItemRequest.builder().tableName(A).key(key("x")).build();
    AwsCredentialsProvider temporary = StaticCredentialsProvider.create(AwsSessionCredentials.create("AKIDFULL", "full-secret", "session"));

    assertError(refused(() -> call(async, temporary, c -> c.getItem(get), c -> c.getItem(get))), "UnrecognizedClientException", BAD_TOKEN);
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void call_whenReadOnlyPrincipalWrites_refusesAccess(boolean async) {
    PutItemRequest put = PutItemRequest.builder().tableName(A).item(key("reader-" + async)).build();

    assertError(refused(() -> call(async, credentials("AKIDREADER", "reader-secret"), c -> c.putItem(put), c -> c.putItem(put))),
        "AccessDeniedException", denied("reader", "PutItem", "table/" + A));
  }

  @ParameterizedTest(name = "async={0}")
  @ValueSource(booleans = {false, true})
  void call_whenPrincipalAllowedOnlyTableA_refusesEveryCallTouchingB(boolean async) {
    AwsCredentialsProvider onlyA = credentials("AKIDONLYA", "only-a-secret");
    String pk = "in-b-" + async;
    PutItemRequest putB = PutItemRequest.builder().tableName(B).item(key(pk)).build();
    call(async, credentials("AKIDFULL", "full-secret"), c -> c.putItem(putB), c -> c.putItem(putB));
    GetItemRequest getB = GetItemRequest.builder().tableName(B).key(key(pk)).build();
    // Cached now: a hit must be refused as a miss is.
    call(async, credentials("AKIDFULL", "full-secret"), c -> c.getItem(getB), c -> c.getItem(getB));

    assertError(refused(() -> call(async, onlyA, c -> c.getItem(getB), c -> c.getItem(getB))),
        "AccessDeniedException", denied("only-a", "GetItem", "table/" + B));
    BatchGetItemRequest batch = BatchGetItemRequest.builder().requestItems(Map.of(
        A, KeysAndAttributes.builder().keys(key("x")).build(), B, KeysAndAttributes.builder().keys(key(pk)).build())).build();
    assertError(refused(() -> call(async, onlyA, c -> c.batchGetItem(batch), c -> c.batchGetItem(batch))),
        "AccessDeniedException", denied("only-a", "BatchGetItem", "table/" + B));
    TransactWriteItemsRequest transaction = TransactWriteItemsRequest.builder().transactItems(
        TransactWriteItem.builder().put(Put.builder().tableName(A).item(key("t-" + async)).build()).build(),
        TransactWriteItem.builder().put(Put.builder().tableName(B).item(key("t-" + async)).build()).build()).build();
    assertError(refused(() -> call(async, onlyA, c -> c.transactWriteItems(transaction), c -> c.transactWriteItems(transaction))),
        "AccessDeniedException", denied("only-a", "PutItem", "table/" + B));
    QueryRequest query = QueryRequest.builder().tableName(B).indexName("byOther").keyConditionExpression("#o = :o").expressionAttributeNames(Map.of("#o", "other"))
        .expressionAttributeValues(Map.of(":o", AttributeValue.fromS("x"))).build();
    assertError(refused(() -> call(async, onlyA, c -> c.query(query), c -> c.query(query))),
        "AccessDeniedException", denied("only-a", "Query", "table/" + B + "/index/byOther"));
    ExecuteStatementRequest statement = ExecuteStatementRequest.builder().statement("SELECT * FROM \"" + B + "\" WHERE pk = '" + pk + "'").build();
    assertError(refused(() -> call(async, onlyA, c -> c.executeStatement(statement), c -> c.executeStatement(statement))),
        "AccessDeniedException", denied("only-a", "PartiQLSelect", "table/" + B));

    // What touches only A is served. (dynalite has no TransactWriteItems, so only its refusal, which
    // comes before any upstream call, is checked above.)
    BatchGetItemRequest batchA = BatchGetItemRequest.builder().requestItems(Map.of(A, KeysAndAttributes.builder().keys(key("x")).build())).build();
    assertThat(call(async, onlyA, c -> c.batchGetItem(batchA), c -> c.batchGetItem(batchA)).responses()).containsKey(A);
    QueryRequest queryA = query.toBuilder().tableName(A).build();
    assertThat(call(async, onlyA, c -> c.query(queryA), c -> c.query(queryA)).count()).isZero();
  }

  @Test
  void rawCall_whenBodyChangedAfterSigning_refusesWithSignatureMismatch() throws Exception {
    String body = "{\"TableName\":\"" + A + "\",\"Key\":{\"pk\":{\"S\":\"x\"}}}";
    SdkHttpRequest signed = signRaw(body);

    HttpResponse<String> intact = send(signed, body);
    HttpResponse<String> tampered = send(signed, body.replace("\"x\"", "\"y\""));

    assertThat(intact.statusCode()).as(intact.body()).isEqualTo(200);
    assertThat(tampered.statusCode()).isEqualTo(400);
    assertThat(tampered.body()).isEqualTo("{\"__type\":\"com.amazon.coral.service#InvalidSignatureException\",\"message\":\""
        + MISMATCH + "\"}");
  }

  private static SdkHttpRequest signRaw(String body) {
    SdkHttpRequest request = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(node.endpoint())
        .putHeader("Content-Type", "application/x-amz-json-1.0").putHeader("X-Amz-Target", "DynamoDB_20120810.GetItem").build();
    return AwsV4HttpSigner.create().sign(r -> r.identity(AwsCredentialsIdentity.create("AKIDFULL", "full-secret")).request(request)
        .payload(ContentStreamProvider.fromUtf8String(body))
        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "dynamodb")
        .putProperty(AwsV4HttpSigner.REGION_NAME, region)).request();
  }

  private static HttpResponse<String> send(SdkHttpRequest signed, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(node.endpoint()).timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    // Host and Content-Length are the client's to write; it writes the same Host that was signed.
    signed.forEachHeader((name, values) -> {
      if (!name.equalsIgnoreCase("Host") && !name.equalsIgnoreCase("Content-Length")) {
        values.forEach(value -> request.header(name, value));
      }
    });
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The SDK's own SigV4 scheme, signing with a given clock: how a client with a wrong clock signs. */
  private record ClockedScheme(Clock clock) implements AwsV4AuthScheme {

    @Override
    public String schemeId() {
      return AwsV4AuthScheme.SCHEME_ID;
    }

    @Override
    public IdentityProvider<AwsCredentialsIdentity> identityProvider(IdentityProviders providers) {
      return providers.identityProvider(AwsCredentialsIdentity.class);
    }

    @Override
    public AwsV4HttpSigner signer() {
      AwsV4HttpSigner delegate = AwsV4HttpSigner.create();
      return new AwsV4HttpSigner() {
        @Override
        public SignedRequest sign(SignRequest<? extends AwsCredentialsIdentity> request) {
          return delegate.sign(request.copy(r -> r.putProperty(HttpSigner.SIGNING_CLOCK, clock)));
        }

        @Override
        public CompletableFuture<AsyncSignedRequest> signAsync(AsyncSignRequest<? extends AwsCredentialsIdentity> request) {
          return delegate.signAsync(request.copy(r -> r.putProperty(HttpSigner.SIGNING_CLOCK, clock)));
        }
      };
    }
  }
}
