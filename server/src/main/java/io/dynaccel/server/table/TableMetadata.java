package io.dynaccel.server.table;

import java.util.Map;
import java.util.Objects;

/**
 * What DescribeTable told about one table: its primary key, the key attributes of all its indexes,
 * and the identity of this incarnation of the table.
 *
 * @param key the table's primary key
 * @param keyAttributeTypes the key attributes of the table and of every local and global secondary
 *     index, with their types ({@code S}, {@code N} or {@code B}); DynamoDB rejects projections that
 *     look inside any of them, and items whose value for one has another type
 * @param tableArn the table's ARN, which names the upstream's partition, region and account, or null
 *     if DynamoDB did not say
 * @param tableId DynamoDB's id of this incarnation of the table, or null
 * @param creationDateTime when this incarnation was created, as DynamoDB wrote it, or null
 */
public record TableMetadata(KeySchema key, Map<String, String> keyAttributeTypes, String tableArn, String tableId, String creationDateTime) {

  /** Copies the key attribute map, so a record can never change after it was learnt. */
  public TableMetadata {
    Objects.requireNonNull(key, "key");
    keyAttributeTypes = Map.copyOf(keyAttributeTypes);
  }

  /** Whether an attribute is a key attribute of the table or of one of its indexes. */
  public boolean isAnyKeyAttribute(String name) {
    return keyAttributeTypes.containsKey(name);
  }

  /** Whether the table has secondary indexes whose keys are attributes other than the table's own key. */
  public boolean hasIndexKeys() {
    return keyAttributeTypes.size() > key.size();
  }

  /**
   * Whether this and another description are of the same incarnation of the table: a table deleted
   * and created again under the same name has a new id and creation time.
   */
  public boolean sameIncarnation(TableMetadata other) {
    return Objects.equals(tableId, other.tableId)
        && Objects.equals(creationDateTime, other.creationDateTime)
        && key.equals(other.key);
  }
}
