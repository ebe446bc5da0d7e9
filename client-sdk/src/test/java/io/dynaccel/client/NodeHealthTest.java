package io.dynaccel.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

class NodeHealthTest {

  private final Node a = new Node(URI.create("http://a:1"));
  private final Node b = new Node(URI.create("http://b:1"));
  private final Set<URI> healthy = ConcurrentHashMap.newKeySet();
  private final List<URI> probed = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final NodeHealth health = new NodeHealth(List.of(a, b), endpoint -> {
    probed.add(endpoint);
    return healthy.contains(endpoint);
  });

  @Test
  void probeDownNodes_whenDownNodeAnswers_marksItUp() {
    health.markDown(a, new RuntimeException("refused"));
    healthy.add(a.endpoint());

    health.probeDownNodes();

    assertThat(a.isUp()).isTrue();
  }

  @Test
  void probeDownNodes_whenDownNodeSilent_staysDown() {
    health.markDown(a, new RuntimeException("refused"));

    health.probeDownNodes();

    assertThat(a.isUp()).isFalse();
  }

  @Test
  void probeDownNodes_whenNodesUp_probesNothing() {
    health.probeDownNodes();

    assertThat(probed).isEmpty();
  }

  @Test
  void start_whenNodeRecovers_scheduledProbeMarksItUp() {
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    try {
      health.start(scheduler, Duration.ofMillis(10));
      health.markDown(b, new RuntimeException("refused"));
      await().atMost(Duration.ofSeconds(5)).until(() -> probed.contains(b.endpoint()));
      assertThat(b.isUp()).isFalse();

      healthy.add(b.endpoint());

      await().atMost(Duration.ofSeconds(5)).until(b::isUp);
    } finally {
      health.close();
      scheduler.shutdownNow();
    }
  }
}
