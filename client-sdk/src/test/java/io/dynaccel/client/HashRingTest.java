package io.dynaccel.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HashRingTest {

  private static final int KEYS = 20_000;

  private static List<Node> nodes(int count) {
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      nodes.add(new Node(URI.create("http://node-" + i + ":8111")));
    }
    return nodes;
  }

  private static byte[] key(int i) {
    return ("Table\0pk\0S\0user-" + i).getBytes(StandardCharsets.UTF_8);
  }

  private static Map<Integer, URI> owners(HashRing ring) {
    Map<Integer, URI> owners = new HashMap<>();
    for (int i = 0; i < KEYS; i++) {
      owners.put(i, ring.liveOwner(key(i)).endpoint());
    }
    return owners;
  }

  @Test
  void liveOwner_whenNodeAdded_movesAboutOneNthOfKeysAllToTheNewNode() {
    List<Node> four = nodes(4);
    List<Node> five = new ArrayList<>(four);
    five.add(new Node(URI.create("http://node-4:8111")));
    Map<Integer, URI> before = owners(new HashRing(four, HashRing.DEFAULT_VIRTUAL_NODES));
    Map<Integer, URI> after = owners(new HashRing(five, HashRing.DEFAULT_VIRTUAL_NODES));

    int moved = 0;
    for (int i = 0; i < KEYS; i++) {
      if (!before.get(i).equals(after.get(i))) {
        moved++;
        assertThat(after.get(i)).isEqualTo(URI.create("http://node-4:8111"));
      }
    }
    // Ideal: 1/5 of the keys.
    assertThat(moved / (double) KEYS).isBetween(0.14, 0.26);
  }

  @Test
  void liveOwner_whenNodeDown_movesOnlyItsKeysAndNeverToIt() {
    List<Node> nodes = nodes(4);
    HashRing ring = new HashRing(nodes, HashRing.DEFAULT_VIRTUAL_NODES);
    Map<Integer, URI> before = owners(ring);
    Node down = nodes.get(2);
    down.markDown();
    Map<Integer, URI> after = owners(ring);

    int moved = 0;
    for (int i = 0; i < KEYS; i++) {
      assertThat(after.get(i)).isNotEqualTo(down.endpoint());
      if (!before.get(i).equals(after.get(i))) {
        moved++;
        assertThat(before.get(i)).isEqualTo(down.endpoint());
      }
    }
    assertThat(moved / (double) KEYS).isBetween(0.17, 0.33);

    down.markUp();
    assertThat(owners(ring)).isEqualTo(before);
  }

  @Test
  void liveOwner_whenEveryNodeDown_null() {
    List<Node> nodes = nodes(2);
    nodes.forEach(Node::markDown);
    HashRing ring = new HashRing(nodes, HashRing.DEFAULT_VIRTUAL_NODES);

    assertThat(ring.liveOwner(key(1))).isNull();
    assertThat(ring.owner(key(1))).isIn(nodes);
  }

  @Test
  void liveOwner_whenEndpointsListedInAnotherOrder_sameOwners() {
    List<Node> nodes = nodes(3);
    List<Node> reversed = new ArrayList<>(nodes);
    java.util.Collections.reverse(reversed);

    assertThat(owners(new HashRing(reversed, HashRing.DEFAULT_VIRTUAL_NODES)))
        .isEqualTo(owners(new HashRing(nodes, HashRing.DEFAULT_VIRTUAL_NODES)));
  }

  @Test
  void liveOwner_manyKeys_spreadEvenlyOverNodes() {
    Map<URI, Integer> counts = new HashMap<>();
    owners(new HashRing(nodes(3), HashRing.DEFAULT_VIRTUAL_NODES)).values().forEach(uri -> counts.merge(uri, 1, Integer::sum));

    assertThat(counts).hasSize(3);
    counts.values().forEach(count -> assertThat(count / (double) KEYS).isBetween(0.25, 0.42));
  }
}
