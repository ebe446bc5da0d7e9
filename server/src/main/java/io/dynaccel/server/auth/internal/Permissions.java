package io.dynaccel.server.auth.internal;

import io.dynaccel.config.AllowRule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A principal's allow rules compiled once, per action: which table names each action is allowed on.
 * A check is then one map lookup and, for exact names, one set lookup; wildcard patterns are tried only
 * when the exact names do not match.
 */
public final class Permissions {

  /** The resource of actions that name no table (ListTables, DescribeLimits, DescribeEndpoints). */
  public static final String ANY_RESOURCE = "*";

  private final Map<String, Tables> byAction;
  private final Tables anyAction;

  private Permissions(Map<String, Tables> byAction, Tables anyAction) {
    this.byAction = byAction;
    this.anyAction = anyAction;
  }

  /** Compiles the rules; an action named by no rule, and not covered by {@code *}, is allowed nowhere. */
  public static Permissions of(List<AllowRule> rules) {
    Map<String, List<String>> patternsByAction = new HashMap<>();
    List<String> anyActionPatterns = new ArrayList<>();
    for (AllowRule rule : rules) {
      if (rule.allowsEveryAction()) {
        anyActionPatterns.addAll(rule.tables());
      }
      for (String action : rule.actions()) {
        patternsByAction.computeIfAbsent(action, a -> new ArrayList<>()).addAll(rule.tables());
      }
    }
    Map<String, Tables> byAction = new HashMap<>();
    patternsByAction.forEach((action, patterns) -> {
      List<String> all = new ArrayList<>(patterns);
      all.addAll(anyActionPatterns);
      byAction.put(action, Tables.of(all));
    });
    return new Permissions(byAction, Tables.of(anyActionPatterns));
  }

  /**
   * Whether {@code action} is allowed on {@code table}, a plain table name or {@link #ANY_RESOURCE}, which
   * only a {@code *} pattern allows (as only {@code "Resource": "*"} allows it in IAM).
   */
  public boolean allows(String action, String table) {
    return byAction.getOrDefault(action, anyAction).matches(table);
  }

  /** The table patterns of one action. */
  private record Tables(boolean every, Set<String> exact, List<Pattern> wildcards) {

    static Tables of(List<String> patterns) {
      boolean every = false;
      Set<String> exact = new HashSet<>();
      List<Pattern> wildcards = new ArrayList<>();
      for (String pattern : patterns) {
        if (pattern.equals(AllowRule.ANY)) {
          every = true;
        } else if (pattern.indexOf('*') < 0) {
          exact.add(pattern);
        } else {
          String regex = String.join(".*", Arrays.stream(pattern.split("\\*", -1)).map(Pattern::quote).toList());
          wildcards.add(Pattern.compile(regex));
        }
      }
      return new Tables(every, exact, wildcards);
    }

    boolean matches(String table) {
      if (every) {
        return true;
      }
      if (table.equals(ANY_RESOURCE)) {
        return false;
      }
      if (exact.contains(table)) {
        return true;
      }
      for (Pattern wildcard : wildcards) {
        if (wildcard.matcher(table).matches()) {
          return true;
        }
      }
      return false;
    }
  }
}
