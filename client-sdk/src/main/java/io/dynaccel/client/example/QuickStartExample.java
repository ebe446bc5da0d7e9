package io.dynaccel.client.example;

import io.dynaccel.client.DynaccelClient;
import java.net.URI;
import java.util.Arrays;
import java.util.Map;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

/**
 * Writes and reads one item through Dynaccel nodes.
 *
 * <pre>
 * java -cp ... io.dynaccel.client.example.QuickStartExample TABLE http://node-a:8111 [http://node-b:8111 ...]
 * </pre>
 *
 * The table must exist with a string partition key named {@code pk}. Credentials and region come from the SDK's
 * default chains unless {@code AWS_REGION} is unset, in which case us-east-1 is used.
 */
public final class QuickStartExample {

  private QuickStartExample() {
  }

  /** Runs the example: {@code TABLE ENDPOINT...}. */
  public static void main(String[] args) {
    if (args.length < 2) {
      System.err.println("usage: QuickStartExample TABLE NODE_URI [NODE_URI...]");
      System.exit(2);
    }
    String table = args[0];
    URI[] nodes = Arrays.stream(args, 1, args.length).map(URI::create).toArray(URI[]::new);
    String region = System.getenv().getOrDefault("AWS_REGION", "us-east-1");

    // The one line that changes: DynamoDbClient.builder() becomes DynaccelClient.builder().endpoints(...).
    try (DynamoDbClient ddb = DynaccelClient.builder().endpoints(nodes).region(Region.of(region)).build()) {
      ddb.putItem(b -> b.tableName(table).item(Map.of(
          "pk", AttributeValue.fromS("hello"),
          "greeting", AttributeValue.fromS("Hello from Dynaccel"))));
      GetItemResponse item = ddb.getItem(b -> b.tableName(table).key(Map.of("pk", AttributeValue.fromS("hello"))));
      System.out.println(item.item().get("greeting").s());
    }
  }
}
