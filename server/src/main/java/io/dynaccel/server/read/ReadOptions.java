package io.dynaccel.server.read;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynaccel.server.item.InvalidProjectionException;
import io.dynaccel.server.item.Projection;
import io.dynaccel.server.table.TableMetadata;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The options of an eventually consistent item read that the cache can answer: which attributes to
 * return. {@link #parse} returns null for every read the cache must not answer (consistent reads,
 * consumed-capacity reporting, members it does not know, projections it cannot prove valid); such
 * reads go to DynamoDB unchanged, which also gives the client DynamoDB's own error when one is due.
 *
 * @param projection the projection to apply, or null for the whole item
 * @param shape a canonical text of the projection members, or null without projection; DynamoDB's
 *     acceptance of one read with this shape vouches for all reads with it
 */
public record ReadOptions(Projection projection, String shape) {

  /** The options of a read of the whole item. */
  static final ReadOptions WHOLE_ITEM = new ReadOptions(null, null);

  /**
   * Whether the cache may answer these options for a table: DynamoDB rejects projections that look
   * inside a key attribute of the table or of any of its indexes, so those go upstream to get
   * DynamoDB's own error.
   */
  public boolean answerableFor(TableMetadata table) {
    return projection == null || projection.nestedRootAttributes().stream().noneMatch(table::isAnyKeyAttribute);
  }

  /**
   * Parses the read options of a GetItem request or of one table's entry in a BatchGetItem request.
   *
   * @param source the object holding the options
   * @param allowed the members the object may hold for the cache to answer
   * @return the options, or null if the cache must not answer this read
   */
  public static ReadOptions parse(ObjectNode source, Set<String> allowed) {
    if (!onlyMembers(source, allowed) || !cacheableRead(source)) {
      return null;
    }
    JsonNode expression = source.get("ProjectionExpression");
    JsonNode attributeNames = source.get("ExpressionAttributeNames");
    JsonNode attributes = source.get("AttributesToGet");
    try {
      if (expression != null) {
        if (attributes != null || !expression.isTextual()) {
          return null;
        }
        // An absent map stays absent: DynamoDB rejects an empty one, but not a missing one.
        Map<String, String> placeholders = attributeNames == null ? null : placeholders(attributeNames);
        if (attributeNames != null && placeholders == null) {
          return null;
        }
        Projection projection = Projection.parseExpression(expression.textValue(), placeholders);
        String names = placeholders == null ? "" : placeholders.toString();
        return new ReadOptions(projection, "PE\u0000" + expression.textValue() + "\u0000" + names);
      }
      if (attributeNames != null) {
        return null;
      }
      if (attributes != null) {
        List<String> list = strings(attributes);
        if (list == null) {
          return null;
        }
        return new ReadOptions(Projection.ofAttributes(list), "AG\u0000" + list);
      }
    } catch (InvalidProjectionException e) {
      return null;
    }
    return WHOLE_ITEM;
  }

  /** Whether an object holds no members but the given ones. */
  public static boolean onlyMembers(ObjectNode source, Set<String> allowed) {
    for (Iterator<String> names = source.fieldNames(); names.hasNext(); ) {
      if (!allowed.contains(names.next())) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether a read may be answered from a cache: it asks neither for a consistent read nor for a
   * report of consumed capacity, both of which only DynamoDB can give.
   */
  public static boolean cacheableRead(ObjectNode source) {
    JsonNode consistent = source.get("ConsistentRead");
    JsonNode capacity = source.get("ReturnConsumedCapacity");
    return (consistent == null || (consistent.isBoolean() && !consistent.booleanValue()))
        && (capacity == null || "NONE".equals(capacity.textValue()));
  }

  private static Map<String, String> placeholders(JsonNode names) {
    Map<String, String> map = new TreeMap<>();
    if (!names.isObject()) {
      return null;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = names.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      if (!entry.getValue().isTextual()) {
        return null;
      }
      map.put(entry.getKey(), entry.getValue().textValue());
    }
    return map;
  }

  private static List<String> strings(JsonNode array) {
    if (!array.isArray()) {
      return null;
    }
    List<String> list = new ArrayList<>(array.size());
    for (JsonNode element : array) {
      if (!element.isTextual()) {
        return null;
      }
      list.add(element.textValue());
    }
    return list;
  }
}
