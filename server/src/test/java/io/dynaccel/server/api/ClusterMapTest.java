package io.dynaccel.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynaccel.server.cluster.ClusterView;
import io.dynaccel.server.cluster.NodeInfo;
import io.dynaccel.server.cluster.Partitions;
import io.dynaccel.server.protocol.JsonCodec;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ClusterMapTest {

  private static final List<NodeInfo> THREE = List.of(
      new NodeInfo("c-member", URI.create("http://127.0.0.1:8113")),
      new NodeInfo("a-member", URI.create("http://127.0.0.1:8111")),
      new NodeInfo("b-member", URI.create("http://127.0.0.1:8112")));

  private static List<Integer> owners(JsonNode map) {
    List<Integer> owners = new ArrayList<>();
    map.get("owners").forEach(owner -> owners.add(owner.intValue()));
    return owners;
  }

  @Test
  void json_whenAlone_itselfOwningEveryPartition() {
    JsonNode map = JsonCodec.read(ClusterMap.of(null).json("http://127.0.0.1:8111"));

    assertThat(map.get("clustered").booleanValue()).isFalse();
    assertThat(map.get("memberId").textValue()).isEqualTo(ClusterMap.STANDALONE_ID);
    assertThat(map.get("partitions").intValue()).isEqualTo(Partitions.COUNT);
    assertThat(map.get("members")).hasSize(1);
    assertThat(map.get("members").get(0).get("endpoint").textValue()).isEqualTo("http://127.0.0.1:8111");
    assertThat(owners(map)).hasSize(Partitions.COUNT).containsOnly(0);
  }

  @Test
  void json_whenClustered_membersByIdAndTheViewsOwners() {
    ClusterView view = ClusterView.of(THREE);
    JsonNode map = JsonCodec.read(new ClusterMap("b-member", () -> view).json("http://127.0.0.1:8112"));

    assertThat(map.get("clustered").booleanValue()).isTrue();
    assertThat(map.get("memberId").textValue()).isEqualTo("b-member");
    List<String> ids = new ArrayList<>();
    List<String> endpoints = new ArrayList<>();
    map.get("members").forEach(member -> {
      ids.add(member.get("id").textValue());
      endpoints.add(member.get("endpoint").textValue());
    });
    assertThat(ids).containsExactly("a-member", "b-member", "c-member");
    assertThat(endpoints).containsExactly("http://127.0.0.1:8111", "http://127.0.0.1:8112", "http://127.0.0.1:8113");
    List<Integer> owners = owners(map);
    assertThat(owners).hasSize(Partitions.COUNT).containsOnly(0, 1, 2);
    for (int p = 0; p < Partitions.COUNT; p++) {
      assertThat(endpoints.get(owners.get(p))).as("owner of partition %d", p).isEqualTo(view.owner(p).orElseThrow().api().toString());
    }
  }

  @Test
  void json_whenNoMemberServesYet_everyPartitionWithoutOwner() {
    JsonNode map = JsonCodec.read(new ClusterMap("a-member", () -> ClusterView.EMPTY).json("http://127.0.0.1:8111"));

    assertThat(map.get("members")).isEmpty();
    assertThat(owners(map)).hasSize(Partitions.COUNT).containsOnly(-1);
  }

  @Test
  void json_whenViewChanges_followsIt() {
    AtomicReference<ClusterView> view = new AtomicReference<>(ClusterView.of(THREE));
    ClusterMap clusterMap = new ClusterMap("a-member", view::get);
    byte[] first = clusterMap.json("http://127.0.0.1:8111");

    assertThat(clusterMap.json("http://127.0.0.1:8111")).isSameAs(first);
    view.set(ClusterView.of(THREE.subList(1, 3)));
    JsonNode map = JsonCodec.read(clusterMap.json("http://127.0.0.1:8111"));
    assertThat(map.get("members")).hasSize(2);
    assertThat(owners(map)).containsOnly(0, 1);
  }
}
