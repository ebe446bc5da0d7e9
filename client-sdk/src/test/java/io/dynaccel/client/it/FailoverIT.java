package io.dynaccel.client.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dynaccel.client.DynaccelClient;
import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** A node is closed under read and write traffic: the caller sees no error, and the keys it owned move on. */
class FailoverIT {

  @RegisterExtension
  static DynamoDbEmulatorExtension upstream = new DynamoDbEmulatorExtension();

  private NodeFleet fleet;
  private DynamoDbClient ddb;

  @BeforeEach
  void start() throws Exception {
    fleet = NodeFleet.start(upstream.emulator(), 3);
    ddb = DynaccelClient.builder().endpoints(fleet.endpoints()).region(Region.of(upstream.emulator().region()))
        .credentialsProvider(NodeFleet.CREDENTIALS).build();
    ddb.createTable(b -> b.tableName("Failover").billingMode(BillingMode.PAY_PER_REQUEST)
        .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S))
        .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH)));
    try (var waiter = ddb.waiter()) {
      waiter.waitUntilTableExists(b -> b.tableName("Failover"));
    }
  }

  @AfterEach
  void stop() throws Exception {
    ddb.close();
    fleet.close();
  }

  private static Map<String, AttributeValue> key(String pk) {
    return Map.of("pk", AttributeValue.fromS(pk));
  }

  /** The node that serves GetItem for {@code pk}, read from the nodes' request counters. */
  private int ownerOf(String pk) {
    long[] before = fleet.requests("GetItem");
    ddb.getItem(b -> b.tableName("Failover").key(key(pk)));
    // The node counts a request as its response goes out, a moment after the client has it.
    return await().atMost(Duration.ofSeconds(5)).until(() -> {
      long[] after = fleet.requests("GetItem");
      for (int i = 0; i < before.length; i++) {
        if (after[i] > before[i]) {
          return i;
        }
      }
      return -1;
    }, owner -> owner >= 0);
  }

  @Test
  void nodeClosed_underReadsAndWrites_noErrorReachesTheCaller() throws Exception {
    int victim = ownerOf("hot");
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong requests = new AtomicLong();
    AtomicLong killStarted = new AtomicLong(Long.MAX_VALUE);
    AtomicLong killEnded = new AtomicLong(Long.MAX_VALUE);
    AtomicLong firstHotAfterKill = new AtomicLong(Long.MAX_VALUE);
    AtomicLong maxLatencyAroundKill = new AtomicLong();
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    ExecutorService workers = Executors.newFixedThreadPool(4);
    List<java.util.concurrent.Future<?>> loops = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      loops.add(workers.submit(() -> {
        while (running.get()) {
          String pk = ThreadLocalRandom.current().nextInt(4) == 0 ? "hot" : "k" + ThreadLocalRandom.current().nextInt(30);
          boolean write = ThreadLocalRandom.current().nextBoolean();
          long began = System.nanoTime();
          try {
            if (write) {
              ddb.putItem(b -> b.tableName("Failover").item(Map.of("pk", AttributeValue.fromS(pk), "v", AttributeValue.fromN(String.valueOf(began)))));
            } else {
              ddb.getItem(b -> b.tableName("Failover").key(key(pk)));
            }
          } catch (Throwable t) {
            errors.add(t);
          }
          long ended = System.nanoTime();
          requests.incrementAndGet();
          if (ended >= killStarted.get() && began <= killEnded.get() + TimeUnit.SECONDS.toNanos(1)) {
            maxLatencyAroundKill.accumulateAndGet(ended - began, Math::max);
          }
          if (pk.equals("hot") && began >= killEnded.get()) {
            firstHotAfterKill.accumulateAndGet(ended, Math::min);
          }
        }
      }));
    }

    await().atMost(Duration.ofSeconds(30)).until(() -> requests.get() >= 400);
    long[] beforeKill = fleet.requests("GetItem");
    killStarted.set(System.nanoTime());
    fleet.kill(victim);
    killEnded.set(System.nanoTime());
    long atKill = requests.get();
    await().atMost(Duration.ofSeconds(30)).until(() -> requests.get() >= atKill + 1000 && firstHotAfterKill.get() != Long.MAX_VALUE);
    running.set(false);
    for (var loop : loops) {
      loop.get(30, TimeUnit.SECONDS);
    }
    workers.shutdown();
    long[] afterKill = fleet.requests("GetItem");

    System.out.printf("FailoverIT: %d requests (half writes), node %d closed in %.1f ms; first request for one of its keys"
            + " served by another node %.1f ms after the close began; max latency of a request around the close %.1f ms;"
            + " errors %d%n",
        requests.get(), victim, (killEnded.get() - killStarted.get()) / 1e6, (firstHotAfterKill.get() - killStarted.get()) / 1e6,
        maxLatencyAroundKill.get() / 1e6, errors.size());
    assertThat(errors).isEmpty();
    for (int i = 0; i < afterKill.length; i++) {
      if (i != victim) {
        assertThat(afterKill[i]).isGreaterThan(beforeKill[i]);
      }
    }
    // The survivors now share the victim's keys, "hot" among them.
    assertThat(ownerOf("hot")).isNotEqualTo(victim);
  }
}
