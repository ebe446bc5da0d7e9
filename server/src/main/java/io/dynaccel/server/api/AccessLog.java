package io.dynaccel.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynaccel.server.protocol.ApiRequest;
import io.dynaccel.server.protocol.CacheOutcome;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access log ({@code log.access}): one INFO line per API call on the {@value #LOGGER} logger, such as
 * {@code operation=GetItem table=Orders status=200 latencyMs=0.412 cache=hit}, with {@code error=<type>} after
 * a 4xx or 5xx. The same fields are attached as key-value pairs, which the JSON format writes as fields.
 *
 * <p>It names tables, never keys, items, expressions or credentials: only the table names of the request are
 * read, and a name that is not one DynamoDB could accept is written as {@code (invalid)}, so a client cannot
 * put text of its own (or a forged line) into the log. Off, it costs one branch per call.
 */
public final class AccessLog {

  /** The logger's name, to route or silence the access log separately. */
  public static final String LOGGER = "dynaccel.access";
  /** No access log. */
  public static final AccessLog OFF = new AccessLog(false);

  /** DynamoDB's table names, and table ARNs, which TableName may hold instead. */
  private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z0-9_.\\-:/]{1,1024}");
  private static final String[] TRANSACT_ACTIONS = {"Get", "Put", "Update", "Delete", "ConditionCheck"};

  private final boolean enabled;
  private final Logger log = LoggerFactory.getLogger(LOGGER);

  private AccessLog(boolean enabled) {
    this.enabled = enabled;
  }

  /** The access log if {@code enabled}, else {@link #OFF}. */
  public static AccessLog of(boolean enabled) {
    return enabled ? new AccessLog(true) : OFF;
  }

  /** Whether calls are logged; callers test it first, so that a node without the access log does no work per call. */
  public boolean enabled() {
    return enabled;
  }

  /**
   * Logs one call.
   *
   * @param operation the operation, {@code Unknown} if the call could not be decoded
   * @param request the decoded call, or null if it could not be decoded
   * @param status the HTTP status of the answer
   * @param errorType the DynamoDB error type of a 4xx or 5xx answer, or null
   * @param cache whether a cache answered
   * @param nanos how long the call took, from its first byte to its answer
   */
  void record(String operation, ApiRequest request, int status, String errorType, CacheOutcome cache, long nanos) {
    String table = request == null ? "-" : tables(request.json());
    String latency = Double.toString(Math.round(nanos / 1_000.0) / 1_000.0);
    // com.amazonaws.dynamodb.v20120810#ResourceNotFoundException: the name after '#' is what SDKs show.
    String error = errorType == null ? null : errorType.substring(errorType.lastIndexOf('#') + 1);
    StringBuilder line = new StringBuilder(96).append("operation=").append(operation).append(" table=").append(table)
        .append(" status=").append(status).append(" latencyMs=").append(latency)
        .append(" cache=").append(cache.text());
    if (error != null) {
      line.append(" error=").append(error);
    }
    var event = log.atInfo().setMessage(line.toString())
        .addKeyValue("operation", operation)
        .addKeyValue("table", table)
        .addKeyValue("status", status)
        .addKeyValue("latencyMs", latency)
        .addKeyValue("cache", cache.text());
    if (error != null) {
      event = event.addKeyValue("error", error);
    }
    event.log();
  }

  /** The tables a call names, comma-separated in the order it names them; {@code -} for none. */
  static String tables(JsonNode json) {
    Set<String> names = new LinkedHashSet<>();
    add(names, json.get("TableName"));
    Iterator<String> batch = json.path("RequestItems").fieldNames();
    while (batch.hasNext()) {
      names.add(checked(batch.next()));
    }
    for (JsonNode item : json.path("TransactItems")) {
      for (String action : TRANSACT_ACTIONS) {
        add(names, item.path(action).get("TableName"));
      }
    }
    return names.isEmpty() ? "-" : String.join(",", names);
  }

  private static void add(Set<String> names, JsonNode name) {
    if (name != null) {
      names.add(name.isTextual() ? checked(name.asText()) : "(invalid)");
    }
  }

  private static String checked(String name) {
    return TABLE_NAME.matcher(name).matches() ? name : "(invalid)";
  }
}
