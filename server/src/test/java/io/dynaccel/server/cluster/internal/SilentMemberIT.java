package io.dynaccel.server.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.dynaccel.config.ClusterConfig;
import io.dynaccel.config.ClusterJoin;
import io.dynaccel.server.it.FreePorts;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Members with a listed address whose kernel accepts connections while nothing behind it answers: a
 * member stopped with SIGSTOP or frozen in a long pause. The master connects to it every few seconds
 * to look for a cluster to merge with. Under Hazelcast's unified endpoint, that connection's outbound
 * pipeline waits for the peer's protocol bytes with packets queued and reschedules itself forever: one
 * I/O thread at 100% for as long as the peer stays silent, and every connection sharing the thread
 * stalled, heartbeats between the live members included.
 */
class SilentMemberIT {

  /** A spinning thread burns about a second of CPU a second; an idle member's I/O threads a few milliseconds. */
  private static final long MOST_IO_CPU_NANOS = Duration.ofMillis(1500).toNanos();
  private static final Duration WATCHED = Duration.ofSeconds(8);

  private final List<HazelcastInstance> members = new ArrayList<>();
  private final List<Socket> held = new CopyOnWriteArrayList<>();
  private ServerSocket silent;

  @AfterEach
  void tearDown() throws IOException {
    members.forEach(HazelcastInstance::shutdown);
    if (silent != null) {
      silent.close();
    }
    for (Socket socket : held) {
      socket.close();
    }
  }

  @Test
  void members_whenAListedAddressAcceptsButNeverAnswers_theirIoThreadsStayIdleAndTheyStayFormed() throws Exception {
    int first = FreePorts.loopback();
    int second = FreePorts.loopback();
    int frozen = FreePorts.loopback();
    List<String> addresses = List.of("127.0.0.1:" + first, "127.0.0.1:" + second, "127.0.0.1:" + frozen);
    String name = "silent-" + first;
    members.add(Hazelcast.newHazelcastInstance(HazelcastSetup.of(new ClusterConfig(name, ClusterJoin.TCP_IP, addresses, "127.0.0.1", first, 1))));
    members.add(Hazelcast.newHazelcastInstance(HazelcastSetup.of(new ClusterConfig(name, ClusterJoin.TCP_IP, addresses, "127.0.0.1", second, 1))));
    await().atMost(Duration.ofSeconds(30)).until(() -> members.stream().allMatch(m -> m.getCluster().getMembers().size() == 2));

    // The third address starts to accept, as a frozen member's kernel does, and never reads or writes.
    silent = new ServerSocket();
    silent.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), frozen));
    Thread acceptor = new Thread(() -> {
      try {
        while (true) {
          held.add(silent.accept());
        }
      } catch (IOException closed) {
        // closed at the end of the test
      }
    }, "silent-acceptor");
    acceptor.setDaemon(true);
    acceptor.start();
    await("the master's search for other clusters connects to the silent address").atMost(Duration.ofSeconds(30)).until(() -> !held.isEmpty());

    long before = ioThreadCpuNanos();
    await("the members' I/O threads use at most " + MOST_IO_CPU_NANOS / 1_000_000 + " ms of CPU in " + WATCHED.toSeconds() + " s")
        .during(WATCHED).atMost(WATCHED.plusSeconds(5)).pollInterval(Duration.ofMillis(250))
        .until(() -> ioThreadCpuNanos() - before <= MOST_IO_CPU_NANOS);
    System.out.printf("SilentMemberIT: %d connection(s) to the silent address; the members' I/O threads used %d ms of CPU in %d s%n",
        held.size(), (ioThreadCpuNanos() - before) / 1_000_000, WATCHED.toSeconds());
    assertThat(members).allSatisfy(m -> assertThat(m.getCluster().getMembers()).hasSize(2));
  }

  /** CPU time of every Hazelcast I/O thread of the two members. */
  private long ioThreadCpuNanos() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long total = 0;
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      String threadName = thread.getName();
      boolean ours = members.stream().anyMatch(m -> threadName.startsWith("hz." + m.getName() + ".IO.thread-"));
      if (ours) {
        total += Math.max(0, threads.getThreadCpuTime(thread.getId()));
      }
    }
    return total;
  }
}
