package io.dynaccel.server.write;

import io.dynaccel.server.cache.ItemKey;
import io.dynaccel.server.upstream.UpstreamResponse;
import io.vertx.core.Future;
import java.util.Collection;

/**
 * The guards a write executed on this node must hold at other members of its cluster while it is in
 * flight: at the owner of each key it writes that this node does not serve, at the owner of each
 * table-wide scope (Scans, index Queries) it changes, and, for a write whose items cannot be named, at
 * every member. Each guard does there what a local write does here (no fill installs, cached answers
 * become unreachable) and is closed with the write's outcome before the write is acknowledged.
 *
 * <p>Opening fails the write, with a DynamoDB-shaped 500 InternalServerError, before anything reaches
 * DynamoDB; closing never fails it, because the owner drops what the guard covers when the guard opens
 * and closes a guard it never hears of again as a write of unknown outcome. A node that runs alone
 * holds nothing anywhere else: {@link #ALONE}.
 */
public interface PeerGuards {

  /** The guards of a node that runs alone: none. */
  PeerGuards ALONE = new PeerGuards() {
    @Override
    public Future<Held> openItems(Collection<ItemKey> keys) {
      return Future.succeededFuture(Held.NOTHING);
    }

    @Override
    public Future<Held> openTables(Collection<String> tables) {
      return Future.succeededFuture(Held.NOTHING);
    }
  };

  /** Opens, at the other members concerned, the guards of a write of these keys. */
  Future<Held> openItems(Collection<ItemKey> keys);

  /**
   * Opens, at every other member, the guards of a write that may change any item of these tables
   * ({@link io.dynaccel.server.cache.ItemCache#ALL_TABLES} for every table).
   */
  Future<Held> openTables(Collection<String> tables);

  /** Guards held at other members for one write; closed exactly once. */
  interface Held {

    /** Nothing held. */
    Held NOTHING = new Held() {
      @Override
      public Future<Void> close(GuardOutcome outcome) {
        return Future.succeededFuture();
      }

      @Override
      public Future<UpstreamResponse> closeAfter(Future<UpstreamResponse> sent) {
        return sent;
      }
    };

    /** Closes the guards with the write's outcome; completes when every member answered or timed out. */
    Future<Void> close(GuardOutcome outcome);

    /** The upstream call's own result, once the guards are closed with its outcome. */
    default Future<UpstreamResponse> closeAfter(Future<UpstreamResponse> sent) {
      return sent.transform(result -> close(GuardOutcome.of(result)).transform(closed -> result.succeeded()
          ? Future.succeededFuture(result.result())
          : Future.failedFuture(result.cause())));
    }
  }
}
