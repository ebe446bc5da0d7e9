package io.dynaccel.server.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads table names from requests. DynamoDB accepts a table's ARN wherever it takes its name; only
 * {@link io.dynaccel.server.table.TableSchemas} can tell whether an ARN names the table the cache
 * holds entries for, so handlers look spellings up there rather than strip them.
 */
public final class TableNames {

  private TableNames() {}

  /**
   * The table name or ARN that a {@code TableName}-like member holds, exactly as spelt.
   *
   * @return the spelling, or null if the member is absent or not a string
   */
  public static String spelling(JsonNode member) {
    return member == null || !member.isTextual() ? null : member.textValue();
  }

  /**
   * The plain table name a {@code TableName}-like member refers to, for operations that change a
   * whole table and so may guard more than one spelling names.
   *
   * @return the plain table name, or null if the member is absent or not a string
   */
  public static String of(JsonNode member) {
    String spelling = spelling(member);
    return spelling == null ? null : plain(spelling);
  }

  /**
   * The table name in a name or an ARN ({@code arn:aws:dynamodb:region:account:table/Name}). The
   * ARN may name another region's or account's table of that name.
   */
  public static String plain(String nameOrArn) {
    if (nameOrArn.startsWith("arn:")) {
      int at = nameOrArn.indexOf(":table/");
      if (at >= 0) {
        String rest = nameOrArn.substring(at + ":table/".length());
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash);
      }
    }
    return nameOrArn;
  }
}
