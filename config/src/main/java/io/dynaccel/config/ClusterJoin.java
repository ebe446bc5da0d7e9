package io.dynaccel.config;

import java.util.Locale;

/** How cluster members find each other; written {@code tcp-ip} or {@code multicast} in configuration. */
public enum ClusterJoin {
  /** A fixed list of member addresses ({@code cluster.members}): loopback, VMs, anything without multicast. */
  TCP_IP("tcp-ip"),
  /** Members announce themselves by IP multicast on the local network. */
  MULTICAST("multicast");

  private final String configName;

  ClusterJoin(String configName) {
    this.configName = configName;
  }

  /** The spelling used in YAML, environment variables and flags. */
  public String configName() {
    return configName;
  }

  static ClusterJoin parse(String text) {
    for (ClusterJoin join : values()) {
      if (join.configName.equals(text.toLowerCase(Locale.ROOT))) {
        return join;
      }
    }
    throw new IllegalArgumentException("unknown cluster join: " + text);
  }
}
