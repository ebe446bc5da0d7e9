package io.dynaccel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cluster settings, through every source. */
class ClusterConfigTest {

  private static final String[] NO_ARGS = {};

  @TempDir
  Path dir;

  @Test
  void load_whenNothingSet_runsAloneWithDocumentedDefaults() {
    ClusterConfig cluster = ConfigLoader.load(NO_ARGS, Map.of()).cluster();

    assertThat(cluster).isEqualTo(ClusterConfig.standalone());
    assertThat(cluster.enabled()).isFalse();
    assertThat(cluster.host()).isEqualTo("127.0.0.1");
    assertThat(cluster.port()).isEqualTo(5701);
  }

  @Test
  void load_whenYamlListsMembers_enablesTheClusterWithAMajorityQuorum() throws IOException {
    Path file = Files.writeString(dir.resolve("dynaccel.yaml"), """
        cluster:
          name: orders
          port: 5702
          members: [127.0.0.1:5701, 127.0.0.1:5702, 127.0.0.1:5703]
        """, StandardCharsets.UTF_8);

    ClusterConfig cluster = ConfigLoader.load(new String[] {"--config", file.toString()}, Map.of()).cluster();

    assertThat(cluster.enabled()).isTrue();
    assertThat(cluster.name()).isEqualTo("orders");
    assertThat(cluster.port()).isEqualTo(5702);
    assertThat(cluster.members()).containsExactly("127.0.0.1:5701", "127.0.0.1:5702", "127.0.0.1:5703");
    assertThat(cluster.quorum()).isEqualTo(2);
  }

  @Test
  void load_whenEnvironmentAndFlagsSet_appliesEach() {
    DynaccelConfig config = ConfigLoader.load(new String[] {"--set", "cluster.minMembers=3"}, Map.of(
        "DYNACCEL_CLUSTER_MEMBERS", "10.0.0.1:5701,10.0.0.2:5701",
        "DYNACCEL_CLUSTER_HOST", "10.0.0.1",
        "DYNACCEL_CLUSTER_JOIN", "tcp-ip"));

    assertThat(config.cluster().members()).containsExactly("10.0.0.1:5701", "10.0.0.2:5701");
    assertThat(config.cluster().host()).isEqualTo("10.0.0.1");
    assertThat(config.cluster().quorum()).isEqualTo(3);
  }

  @Test
  void load_whenMemberHasNoPort_failsNamingTheSetting() {
    assertThatThrownBy(() -> ConfigLoader.load(NO_ARGS, Map.of("DYNACCEL_CLUSTER_MEMBERS", "127.0.0.1")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("cluster.members: must be member addresses like 127.0.0.1:5701");
  }

  @Test
  void load_whenMulticastWithoutMinMembers_failsSayingWhy() {
    assertThatThrownBy(() -> ConfigLoader.load(NO_ARGS, Map.of("DYNACCEL_CLUSTER_JOIN", "multicast")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("cluster.minMembers: must be set (at least 1) with cluster.join: multicast");
  }

  @Test
  void load_whenJoinUnknown_listsTheChoices() {
    assertThatThrownBy(() -> ConfigLoader.load(NO_ARGS, Map.of("DYNACCEL_CLUSTER_JOIN", "kubernetes")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cluster.join")
        .hasMessageContaining("one of tcp-ip, multicast");
  }

  @Test
  void quorum_whenMinMembersSet_overridesTheMajority() {
    ClusterConfig cluster = new ClusterConfig("c", ClusterJoin.MULTICAST, List.of(), "127.0.0.1", 5701, 2);

    assertThat(cluster.enabled()).isTrue();
    assertThat(cluster.quorum()).isEqualTo(2);
  }

  @Test
  void load_whenAClusteredNodeWritesBack_acceptsTheTable() throws IOException {
    Path file = Files.writeString(dir.resolve("dynaccel.yaml"), """
        cluster: { members: [127.0.0.1:5701, 127.0.0.1:5702] }
        tables:
          Orders: { writeStrategy: write-back }
        """, StandardCharsets.UTF_8);

    DynaccelConfig config = ConfigLoader.load(new String[] {"--config", file.toString()}, Map.of());

    assertThat(config.cluster().enabled()).isTrue();
    assertThat(config.table("Orders").writeStrategy()).isEqualTo(WriteStrategy.WRITE_BACK);
  }
}
