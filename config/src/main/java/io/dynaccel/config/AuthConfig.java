package io.dynaccel.config;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Who may call the accelerator and what each caller may do.
 *
 * @param mode {@code none} (default: everyone is served) or {@code sigv4} (every call's signature is verified)
 * @param accountId the 12-digit account id named in the ARNs of error messages, default {@code 000000000000}
 * @param regions the regions a credential scope may name; empty (default) means only {@code upstream.region}
 * @param principals the known callers, from the configuration file only; at least one with {@code sigv4}
 */
public record AuthConfig(AuthMode mode, String accountId, List<String> regions, List<AuthPrincipal> principals) {

  /** Rejects values that {@link ConfigLoader} would reject, so hand-built configs are valid too. */
  public AuthConfig {
    Objects.requireNonNull(mode, "mode");
    Settings.AUTH_ACCOUNT_ID.check(Objects.requireNonNull(accountId, "accountId"));
    regions = Settings.AUTH_REGIONS.check(List.copyOf(Objects.requireNonNull(regions, "regions")));
    principals = List.copyOf(Objects.requireNonNull(principals, "principals"));
    Set<String> keys = new HashSet<>();
    for (AuthPrincipal principal : principals) {
      if (!keys.add(principal.accessKeyId())) {
        throw new ConfigException("auth.principals: two principals have the access key id '"
            + principal.accessKeyId() + "'");
      }
    }
    if (mode == AuthMode.SIGV4 && principals.isEmpty()) {
      throw new ConfigException("auth.principals: auth.mode sigv4 needs at least one principal in the "
          + "configuration file, or no call could be served");
    }
  }

  /** No authentication: every caller is served. */
  public static AuthConfig none() {
    return new AuthConfig(AuthMode.NONE, Settings.AUTH_ACCOUNT_ID.defaultValue(), List.of(), List.of());
  }

  /** The regions a credential scope may name: {@link #regions()}, or else only {@code upstreamRegion}. */
  public List<String> allowedRegions(String upstreamRegion) {
    return regions.isEmpty() ? List.of(upstreamRegion) : regions;
  }
}
