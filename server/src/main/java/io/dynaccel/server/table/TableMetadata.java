package io.dynaccel.server.table;

import java.util.Objects;
import java.util.Set;

/**
 * What DescribeTable told about one table: its primary key, the key attributes of all its indexes,
 * and the identity of this incarnation of the table.
 *
 * @param key the table's primary key
 * @param keyAttributes the key attributes of the table and of every local and global secondary
 *     index; DynamoDB rejects projections that look inside any of them
 * @param tableArn the table's ARN, which names the upstream's partition, region and account, or null
 *     if DynamoDB did not say
 * @param tableId DynamoDB's id of this incarnation of the table, or null
 * @param creationDateTime when this incarnation was created, as DynamoDB wrote it, or null
 */
public record TableMetadata(KeySchema key, Set<String> keyAttributes, String tableArn, String tableId, String creationDateTime) {

  /** Copies the key attribute set, so a record can never change after it was learnt. */
  public TableMetadata {
    Objects.requireNonNull(key, "key");
    keyAttributes = Set.copyOf(keyAttributes);
  }

  /** Whether an attribute is a key attribute of the table or of one of its indexes. */
  public boolean isAnyKeyAttribute(String name) {
    return keyAttributes.contains(name);
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
