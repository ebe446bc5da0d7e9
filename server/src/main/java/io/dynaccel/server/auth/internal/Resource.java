package io.dynaccel.server.auth.internal;

/**
 * One action a call performs on one resource, as IAM authorises it.
 *
 * @param action the IAM action, e.g. {@code PutItem} or {@code PartiQLSelect}
 * @param table the plain table name, or {@link Permissions#ANY_RESOURCE} for actions on no table
 * @param index the index a Query, Scan or PartiQL statement reads, or null
 */
public record Resource(String action, String table, String index) {

  /** The resource part of its ARN: {@code table/T}, {@code table/T/index/I}, or {@code *}. */
  String arnPath() {
    if (table.equals(Permissions.ANY_RESOURCE)) {
      return table;
    }
    return index == null ? "table/" + table : "table/" + table + "/index/" + index;
  }
}
