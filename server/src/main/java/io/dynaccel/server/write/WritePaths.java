package io.dynaccel.server.write;

import io.dynaccel.config.WriteStrategy;
import io.dynaccel.server.cache.DirtyItems;
import io.vertx.core.Future;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Function;

/** Each table's write path, by its configured write strategy. */
public final class WritePaths {

  private final Function<String, WriteStrategy> strategies;
  private final Map<WriteStrategy, WritePath> paths;
  private final DirtyItems dirty;

  /**
   * Creates the choice.
   *
   * @param strategies each table's configured strategy
   * @param paths the path of every configured strategy
   * @param dirty what write-back holds that DynamoDB does not yet
   */
  public WritePaths(Function<String, WriteStrategy> strategies, Map<WriteStrategy, WritePath> paths, DirtyItems dirty) {
    this.strategies = strategies;
    this.paths = new EnumMap<>(paths);
    this.dirty = dirty;
  }

  /**
   * Completes when a write whose items cannot be named may go to DynamoDB: once DynamoDB holds every
   * write-back change acknowledged so far, which a later flush would otherwise write over it.
   */
  public Future<Void> beforeUnnamedWrite() {
    return dirty.flushed(null);
  }

  /** The path of a table's writes. */
  public WritePath forTable(String table) {
    return paths.get(strategies.apply(table));
  }

  /**
   * The path of a batch that writes to all of {@code tables}: theirs if they share one; else the
   * write-back path, which must order the batch with its own writes of the same items. A batch
   * naming no cached table goes write-through: nothing is cached that it could change.
   */
  public WritePath forBatch(Collection<String> tables) {
    WritePath chosen = null;
    for (String table : tables) {
      WritePath path = forTable(table);
      if (chosen != null && path != chosen) {
        return paths.get(WriteStrategy.WRITE_BACK);
      }
      chosen = path;
    }
    return chosen != null ? chosen : paths.get(WriteStrategy.WRITE_THROUGH);
  }
}
