package io.dynaccel.server.cluster;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryMergedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import io.dynaccel.server.cluster.internal.HazelcastSetup;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The cluster's secret that marks a call as forwarded by a member: a call carrying it in
 * {@value #HEADER} skips authentication, because the member that forwarded it has already
 * authenticated the caller and authorised every table the call touches.
 *
 * <p>32 random bytes, drawn by the first member and put in a Hazelcast map with {@code putIfAbsent};
 * every member reads the one that won at join. Only members (which passed Hazelcast's join, with the
 * cluster's name) learn it, and it never leaves the cluster but in calls between members' API ports,
 * which are HTTPS whenever TLS is on. A wrong or missing token is no token: the call is authenticated
 * as any client's.
 */
public final class HopToken {

  /** The header that carries the token on a forwarded call. */
  public static final String HEADER = "x-dynaccel-hop";
  /** The Hazelcast map that holds the token, under {@link #KEY}. */
  static final String MAP = HazelcastSetup.HOP_MAP;
  static final String KEY = "token";
  private static final int BYTES = 32;

  /** No cluster: no call is ever taken as forwarded. */
  public static final HopToken NONE = new HopToken(null);

  /** The token's text and bytes, replaced together when the cluster's entry changes. */
  private volatile Secret secret;

  private record Secret(String text, byte[] bytes) {
    static Secret of(String text) {
      return text == null ? null : new Secret(text, text.getBytes(StandardCharsets.US_ASCII));
    }
  }

  private HopToken(String token) {
    this.secret = Secret.of(token);
  }

  /** A token with this text, as read from the cluster. */
  static HopToken of(String token) {
    return new HopToken(token);
  }

  /** A fresh random token's text: 32 bytes, hex-encoded so it travels as a header value. */
  static String random() {
    byte[] secret = new byte[BYTES];
    new SecureRandom().nextBytes(secret);
    return HexFormat.of().formatHex(secret);
  }

  /**
   * The cluster's token: this member's fresh one if it is the first to offer one, else the one already
   * there. Blocks. It follows the cluster's entry afterwards: two halves of a cluster that formed apart
   * (each with its own token) and merged keep one entry, and every member then uses that one.
   */
  static HopToken join(HazelcastInstance hazelcast) {
    IMap<String, String> map = hazelcast.getMap(MAP);
    String offered = random();
    HopToken token = new HopToken(offered);
    map.addEntryListener(new Follower(token), KEY, true);
    String existing = map.putIfAbsent(KEY, offered);
    if (existing != null) {
      token.secret = Secret.of(existing);
    }
    return token;
  }

  private record Follower(HopToken token) implements EntryAddedListener<String, String>, EntryUpdatedListener<String, String>,
      EntryMergedListener<String, String> {

    @Override
    public void entryAdded(EntryEvent<String, String> event) {
      token.secret = Secret.of(event.getValue());
    }

    @Override
    public void entryUpdated(EntryEvent<String, String> event) {
      entryAdded(event);
    }

    @Override
    public void entryMerged(EntryEvent<String, String> event) {
      entryAdded(event);
    }
  }

  /** The header value a member sends. */
  String value() {
    Secret current = secret;
    if (current == null) {
      throw new IllegalStateException("no hop token outside a cluster");
    }
    return current.text();
  }

  /** Whether {@code header} is the cluster's token; compared in constant time, so timing tells nothing of it. */
  public boolean accepts(String header) {
    Secret current = secret;
    return current != null && header != null && MessageDigest.isEqual(current.bytes(), header.getBytes(StandardCharsets.US_ASCII));
  }
}
