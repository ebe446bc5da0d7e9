package io.dynaccel.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import org.junit.jupiter.api.Test;

class OwnershipMapTest {

  /** A node's answer with the given owners entries (one per partition). */
  static String answer(boolean clustered, String owners) {
    return "{\"clustered\":" + clustered + ",\"memberId\":\"m-b\",\"partitions\":271,"
        + "\"members\":[{\"id\":\"m-a\",\"endpoint\":\"http://127.0.0.1:8111\"},{\"id\":\"m-b\",\"endpoint\":\"http://127.0.0.1:8112\"}],"
        + "\"owners\":[" + owners + "]}";
  }

  /** 271 owners: partition p is owned by member p % 2, partition 5 by none. */
  static String alternatingOwners() {
    StringBuilder owners = new StringBuilder();
    for (int p = 0; p < Partitions.COUNT; p++) {
      owners.append(p == 0 ? "" : ",").append(p == 5 ? -1 : p % 2);
    }
    return owners.toString();
  }

  private static OwnershipMap parse(String json) {
    return OwnershipMap.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void parse_whenClustered_ownerEndpointPerPartition() {
    OwnershipMap map = parse(answer(true, alternatingOwners()));

    assertThat(map.memberId()).isEqualTo("m-b");
    assertThat(map.members()).containsExactly(URI.create("http://127.0.0.1:8111"), URI.create("http://127.0.0.1:8112"));
    assertThat(map.owner(0)).isEqualTo(URI.create("http://127.0.0.1:8111"));
    assertThat(map.owner(1)).isEqualTo(URI.create("http://127.0.0.1:8112"));
    assertThat(map.owner(5)).isNull();
    assertThat(map.owner(270)).isEqualTo(URI.create("http://127.0.0.1:8111"));
  }

  @Test
  void parse_whenNodeRunsAlone_null() {
    assertThat(parse(answer(false, alternatingOwners()))).isNull();
  }

  @Test
  void parse_whenNotAMap_refused() {
    // A node from before clustering answers every GET with DynamoDB's health line.
    assertThatThrownBy(() -> parse("healthy: dynamodb.us-east-1.amazonaws.com ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> parse("[]")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> parse("{\"clustered\":true}")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("partitions");
    assertThatThrownBy(() -> parse("{\"clustered\":\"yes\"}")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void parse_whenOwnersDoNotFit_refused() {
    assertThatThrownBy(() -> parse(answer(true, "0,1"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 entries for 271 partitions");
    String tooHigh = alternatingOwners().replaceFirst("^0", "2");
    assertThatThrownBy(() -> parse(answer(true, tooHigh))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("owners[0] = 2 with 2 members");
    String otherCount = answer(true, String.join(",", Collections.nCopies(300, "0"))).replace("\"partitions\":271", "\"partitions\":300");
    assertThatThrownBy(() -> parse(otherCount)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("300 partitions");
  }
}
