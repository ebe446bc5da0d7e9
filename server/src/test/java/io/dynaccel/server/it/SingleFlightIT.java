package io.dynaccel.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

/**
 * Single flight, end to end: a hot key read by 100 clients at once on a cold cache costs one GetItem
 * to DynamoDB. The proxy in front of the emulator holds the answers until every read has reached the
 * node, so all 100 are misses of one key while its one fill is in flight.
 */
class SingleFlightIT {

  private static final String TABLE = "SingleFlight";
  private static final int READERS = 100;

  @RegisterExtension static DynamoDbEmulatorExtension upstream = new DynamoDbEmulatorExtension();

  @Test
  void getItem_whenAHundredReadersMissOneKeyAtOnce_nodeSendsOneGetItemAndAnswersThemAll() throws Exception {
    try (ProxiedAccelerator node = ProxiedAccelerator.start(upstream.emulator())) {
      DynamoDbClient direct = node.syncClient(upstream.endpoint(), Duration.ofSeconds(20));
      ProxiedAccelerator.createTable(direct, TABLE);
      Map<String, AttributeValue> item = Map.of("pk", AttributeValue.fromS("hot"), "v", AttributeValue.fromS("v1"));
      direct.putItem(b -> b.tableName(TABLE).item(item));
      DynamoDbAsyncClient client = node.asyncClient(node.endpoint(), READERS, Duration.ofSeconds(60));
      // The node learns the table's key schema first, so that the held answers are GetItems only.
      client.getItem(b -> b.tableName(TABLE).key(Map.of("pk", AttributeValue.fromS("warm")))).get(30, TimeUnit.SECONDS);
      double sentBefore = node.metric("dynaccel_upstream_requests_seconds_count{operation=\"GetItem\"}");
      List<GetItemResponse> answers = HeldMisses.send(node, "dynaccel_item_cache_misses_total", READERS,
          () -> client.getItem(b -> b.tableName(TABLE).key(Map.of("pk", AttributeValue.fromS("hot")))));
      assertThat(answers).allSatisfy(answer -> assertThat(answer.item()).isEqualTo(item));

      double sent = node.metric("dynaccel_upstream_requests_seconds_count{operation=\"GetItem\"}") - sentBefore;
      double merged = node.metric("dynaccel_item_cache_fill_merged_total");
      System.out.printf("SingleFlightIT: %d concurrent cold reads of one key: %.0f upstream GetItem, %.0f merged%n", READERS, sent, merged);
      assertThat(sent).isEqualTo(1);
      assertThat(merged).isEqualTo(READERS - 1);
    }
  }
}
