package io.dynaccel.server.api;

import io.dynaccel.server.cache.DirtyItems;
import io.dynaccel.server.protocol.ApiRequest;
import io.dynaccel.server.protocol.ApiResponse;
import io.vertx.core.Future;

/**
 * Hands a call to its handler only once every write-back change acknowledged before it is in
 * DynamoDB, for handlers that read DynamoDB on the client's behalf (consistent reads, transactions,
 * PartiQL): DynamoDB would otherwise answer with the state before writes the node acknowledged.
 * Adds no hop to another thread while no item is dirty.
 */
public final class DirtyFirst implements OperationHandler {

  private final OperationHandler handler;
  private final DirtyItems dirty;

  /** Wraps {@code handler}. */
  public DirtyFirst(OperationHandler handler, DirtyItems dirty) {
    this.handler = handler;
    this.dirty = dirty;
  }

  @Override
  public Future<ApiResponse> handle(ApiRequest request) {
    return dirty.flushed(null).compose(v -> handler.handle(request));
  }
}
