package io.dynaccel.server.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;

/**
 * One decoded DynamoDB API call. The JSON tree of a plain GetItem is built only when something asks
 * for it ({@link #json()}): the cache-hit path reads {@link #getItem()} instead.
 */
public final class ApiRequest {

  private final String operation;
  private final Buffer body;
  private final boolean forwarded;
  private final StreamedGetItem getItem;
  // Written once, by whichever thread asks first; the tree of the same bytes is the same either way.
  private volatile ObjectNode json;

  /**
   * A call whose body was parsed into a tree.
   *
   * @param operation the operation from {@code X-Amz-Target}, e.g. {@code GetItem}
   * @param body the request body exactly as the client sent it, for forwarding unchanged
   * @param json the parsed body
   * @param forwarded whether another member of the cluster forwarded the call here (it authenticated it
   *     already, and the call must not be forwarded again)
   */
  public ApiRequest(String operation, Buffer body, ObjectNode json, boolean forwarded) {
    this(operation, body, json, null, forwarded);
  }

  /** A call a client sent to this node. */
  public ApiRequest(String operation, Buffer body, ObjectNode json) {
    this(operation, body, json, false);
  }

  /** A plain GetItem, read without a tree; the tree is parsed from {@code body} on first use. */
  ApiRequest(String operation, Buffer body, StreamedGetItem getItem, boolean forwarded) {
    this(operation, body, null, getItem, forwarded);
  }

  private ApiRequest(String operation, Buffer body, ObjectNode json, StreamedGetItem getItem, boolean forwarded) {
    this.operation = operation;
    this.body = body;
    this.json = json;
    this.getItem = getItem;
    this.forwarded = forwarded;
  }

  /** The operation from {@code X-Amz-Target}, e.g. {@code GetItem}. */
  public String operation() {
    return operation;
  }

  /** The request body exactly as the client sent it, for forwarding unchanged. */
  public Buffer body() {
    return body;
  }

  /** The parsed body. */
  public ObjectNode json() {
    ObjectNode tree = json;
    if (tree == null) {
      // The streaming read accepted these bytes, so they are a JSON object the tree reader takes too.
      tree = RequestDecoder.tree(body);
      json = tree;
    }
    return tree;
  }

  /** The call as a plain GetItem the item cache may answer, or null for any other call (the tree holds it). */
  public StreamedGetItem getItem() {
    return getItem;
  }

  /** Whether another member of the cluster forwarded the call here (it authenticated it already). */
  public boolean forwarded() {
    return forwarded;
  }

  @Override
  public String toString() {
    return "ApiRequest[operation=" + operation + ", forwarded=" + forwarded + ", body=" + body + "]";
  }
}
