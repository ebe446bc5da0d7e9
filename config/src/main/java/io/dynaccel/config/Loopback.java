package io.dynaccel.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Whether a configured bind host is reachable only from this machine. Decided from the text alone,
 * without a DNS look-up: {@code localhost} and IP literals in 127.0.0.0/8 or {@code ::1} are loopback;
 * every other name counts as reachable from the network, the safe answer for a name we cannot vouch for.
 */
public final class Loopback {

  private Loopback() {
  }

  /** Whether {@code host} names the loopback interface. */
  public static boolean isLoopback(String host) {
    String h = host.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.equals("localhost")) {
      return true;
    }
    if (!isIpLiteral(h)) {
      return false;
    }
    try {
      // An IP literal is parsed, never looked up.
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static boolean isIpLiteral(String h) {
    return h.contains(":") ? h.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0)
        : h.matches("\\d{1,3}(\\.\\d{1,3}){3}");
  }
}
