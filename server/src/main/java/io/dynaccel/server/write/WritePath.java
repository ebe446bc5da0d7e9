package io.dynaccel.server.write;

import io.dynaccel.server.cache.ItemKey;
import io.dynaccel.server.protocol.ApiRequest;
import io.dynaccel.server.protocol.ApiResponse;
import io.dynaccel.server.table.TableMetadata;
import io.vertx.core.Future;
import java.util.List;

/**
 * What a write of named items does to DynamoDB and to the caches, and when it is acknowledged: one
 * implementation per write strategy ({@code write.through}, {@code write.back}), chosen per table by
 * {@link WritePaths}. The handlers parse, find the table and name the keys; the path does the rest.
 */
public interface WritePath {

  /** A PutItem, UpdateItem or DeleteItem of {@code key}, an item of the cached table {@code table}. */
  Future<ApiResponse> writeItem(ApiRequest request, ItemKey key, TableMetadata table);

  /** A BatchWriteItem each of whose writes names its item; {@code writes} are in request order. */
  Future<ApiResponse> writeBatch(ApiRequest request, List<BatchWrite> writes);
}
