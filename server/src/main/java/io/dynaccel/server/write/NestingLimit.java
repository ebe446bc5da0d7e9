package io.dynaccel.server.write;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynaccel.server.api.OperationHandler;
import io.dynaccel.server.protocol.ApiRequest;
import io.dynaccel.server.protocol.ApiResponse;
import io.dynaccel.server.protocol.DynamoDbException;
import io.vertx.core.Future;

/**
 * Refuses, before anything goes upstream, the items DynamoDB refuses for nesting: an item written
 * by PutItem, a BatchWriteItem PutRequest or a transaction's Put with an attribute nested deeper
 * than 32 levels (an attribute itself is level 1, each map or list around a value adds one). Other
 * writes go to the wrapped handler.
 *
 * <p>DynamoDB checks this; dynalite, our test upstream, does not and would store such an item, so
 * the accelerator answers itself, with DynamoDB's words as recorded against AWS on each surface by
 * the paritysuite/dynamodb-conformance suite: PutItem inside the validation envelope
 * ({@code "1 validation error detected: ..."}) up to 63 levels and without it beyond (DynamoDB was
 * seen to switch between 62 and 64 levels; 63 is taken with the smaller ones), BatchWriteItem and a
 * transaction's Put without it. A request that also breaks one of DynamoDB's member rules gets
 * only this error, where DynamoDB may list both; the node keeps no copy of the member rules (see
 * {@code RequestTypeChecker}). UpdateItem values are left to DynamoDB, whose regions disagree on
 * checking them.
 */
public final class NestingLimit implements OperationHandler {

  /** DynamoDB's limit on nesting levels. */
  static final int MAX_LEVELS = 32;
  /** Beyond this many levels PutItem uses a second check, worded differently. */
  static final int MAX_ENVELOPED_LEVELS = 63;
  static final String MESSAGE =
      "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit";
  private static final String ENVELOPE = "1 validation error detected: ";

  private final OperationHandler writes;

  /** Wraps the handler of PutItem, BatchWriteItem or TransactWriteItems (others pass through). */
  public NestingLimit(OperationHandler writes) {
    this.writes = writes;
  }

  @Override
  public Future<ApiResponse> handle(ApiRequest request) {
    String message = refusal(request.operation(), request.json());
    if (message != null) {
      return Future.failedFuture(DynamoDbException.validation(message));
    }
    return writes.handle(request);
  }

  /** DynamoDB's message refusing the request for its nesting, or null if it is within the limit. */
  public static String refusal(String operation, JsonNode body) {
    switch (operation) {
      case "PutItem" -> {
        int levels = itemLevels(body.get("Item"));
        return levels <= MAX_LEVELS ? null : levels <= MAX_ENVELOPED_LEVELS ? ENVELOPE + MESSAGE : MESSAGE;
      }
      case "BatchWriteItem" -> {
        for (JsonNode table : body.path("RequestItems")) {
          for (JsonNode write : table) {
            if (itemLevels(write.path("PutRequest").get("Item")) > MAX_LEVELS) {
              return MESSAGE;
            }
          }
        }
        return null;
      }
      case "TransactWriteItems" -> {
        for (JsonNode action : body.path("TransactItems")) {
          if (itemLevels(action.path("Put").get("Item")) > MAX_LEVELS) {
            return MESSAGE;
          }
        }
        return null;
      }
      default -> {
        return null;
      }
    }
  }

  /** The nesting levels of the deepest attribute of an item; 0 if it is not an object. */
  static int itemLevels(JsonNode item) {
    int deepest = 0;
    if (item != null && item.isObject()) {
      for (JsonNode value : item) {
        deepest = Math.max(deepest, levels(value));
      }
    }
    return deepest;
  }

  /** The nesting levels of an attribute value: 1 for a scalar or an empty map or list. */
  static int levels(JsonNode value) {
    JsonNode map = value.get("M");
    JsonNode list = value.get("L");
    JsonNode children = map != null && map.isObject() ? map : list != null && list.isArray() ? list : null;
    int deepest = 0;
    if (children != null) {
      for (JsonNode child : children) {
        if (child.isObject()) {
          deepest = Math.max(deepest, levels(child));
        }
      }
    }
    return 1 + deepest;
  }
}
