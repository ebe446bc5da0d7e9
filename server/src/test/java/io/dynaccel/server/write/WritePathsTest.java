package io.dynaccel.server.write;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynaccel.config.WriteStrategy;
import io.dynaccel.server.cache.DirtyItems;
import io.dynaccel.server.cache.ItemKey;
import io.dynaccel.server.protocol.ApiRequest;
import io.dynaccel.server.protocol.ApiResponse;
import io.dynaccel.server.table.TableMetadata;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WritePathsTest {

  private final WritePath through = new NamedPath();
  private final WritePath back = new NamedPath();
  private final WritePaths paths = new WritePaths(
      table -> switch (table) {
        case "Back" -> WriteStrategy.WRITE_BACK;
        case "Dropped" -> WriteStrategy.INVALIDATE;
        default -> WriteStrategy.WRITE_THROUGH;
      },
      Map.of(WriteStrategy.WRITE_THROUGH, through, WriteStrategy.INVALIDATE, through, WriteStrategy.WRITE_BACK, back),
      DirtyItems.NONE);

  @Test
  void forTable_whenConfigured_givesTheStrategysPath() {
    assertThat(paths.forTable("Back")).isSameAs(back);
    assertThat(paths.forTable("Dropped")).isSameAs(through);
    assertThat(paths.forTable("Other")).isSameAs(through);
  }

  @Test
  void forBatch_whenAllTablesShareAPath_givesIt() {
    assertThat(paths.forBatch(List.of("Other", "Dropped"))).isSameAs(through);
    assertThat(paths.forBatch(List.of("Back"))).isSameAs(back);
  }

  @Test
  void forBatch_whenWriteBackMixesWithOthers_givesWriteBackWhichOrdersItWithItsOwnWrites() {
    assertThat(paths.forBatch(List.of("Other", "Back"))).isSameAs(back);
  }

  @Test
  void forBatch_whenNoCachedTable_givesWriteThrough() {
    assertThat(paths.forBatch(List.of())).isSameAs(through);
  }

  @Test
  void beforeUnnamedWrite_whenNothingIsDirty_completesAtOnce() {
    assertThat(paths.beforeUnnamedWrite().succeeded()).isTrue();
  }

  /** A path told apart by identity only; the choice never calls it. */
  private static final class NamedPath implements WritePath {
    @Override
    public Future<ApiResponse> writeItem(ApiRequest request, ItemKey key, TableMetadata table) {
      throw new AssertionError("not called");
    }

    @Override
    public Future<ApiResponse> writeBatch(ApiRequest request, List<BatchWrite> writes) {
      throw new AssertionError("not called");
    }
  }
}
