package io.dynaccel.server.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/** Reads table names from requests; DynamoDB accepts a table's ARN wherever it takes its name. */
public final class TableNames {

  private TableNames() {}

  /**
   * The table name a {@code TableName}-like member refers to, so that a name and an ARN of the same
   * table share cache entries.
   *
   * @return the plain table name, or null if the member is absent or not a string
   */
  public static String of(JsonNode member) {
    if (member == null || !member.isTextual()) {
      return null;
    }
    return plain(member.textValue());
  }

  /** The plain table name of a name or an ARN ({@code arn:aws:dynamodb:region:account:table/Name}). */
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
