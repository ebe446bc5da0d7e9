package io.dynaccel.server.write;

import io.dynaccel.config.WriteStrategy;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Function;

/** Each table's write path, by its configured write strategy. */
public final class WritePaths {

  private final Function<String, WriteStrategy> strategies;
  private final Map<WriteStrategy, WritePath> paths;

  /**
   * Creates the choice.
   *
   * @param strategies each table's configured strategy
   * @param paths the path of every configured strategy
   */
  public WritePaths(Function<String, WriteStrategy> strategies, Map<WriteStrategy, WritePath> paths) {
    this.strategies = strategies;
    this.paths = new EnumMap<>(paths);
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
