package io.dynaccel.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SettingsTest {

  @Test
  void envName_whenDerivedFromPaths_matchesDocumentedNames() {
    assertThat(Settings.GLOBAL).extracting(Setting::envName).containsExactly(
        "DYNACCEL_SERVER_HOST", "DYNACCEL_SERVER_PORT", "DYNACCEL_SERVER_INSTANCES",
        "DYNACCEL_SERVER_MAX_REQUEST_BYTES", "DYNACCEL_SERVER_IDLE_TIMEOUT",
        "DYNACCEL_UPSTREAM_ENDPOINT", "DYNACCEL_UPSTREAM_REGION", "DYNACCEL_UPSTREAM_CONNECT_TIMEOUT",
        "DYNACCEL_UPSTREAM_REQUEST_TIMEOUT", "DYNACCEL_UPSTREAM_MAX_CONNECTIONS", "DYNACCEL_UPSTREAM_MAX_RETRIES",
        "DYNACCEL_CACHE_MAX_BYTES", "DYNACCEL_CACHE_ITEM_TTL", "DYNACCEL_CACHE_NEGATIVE_TTL",
        "DYNACCEL_CACHE_QUERY_TTL", "DYNACCEL_CACHE_QUERY_MAX_BYTES", "DYNACCEL_CACHE_SCHEMA_REFRESH",
        "DYNACCEL_CACHE_SERVE_STALE_ON_ERROR",
        "DYNACCEL_WRITE_BACK_LOG_DIR", "DYNACCEL_WRITE_BACK_FSYNC", "DYNACCEL_WRITE_BACK_FSYNC_INTERVAL",
        "DYNACCEL_WRITE_BACK_GROUP_COMMIT_WAIT", "DYNACCEL_WRITE_BACK_SEGMENT_BYTES", "DYNACCEL_WRITE_BACK_FLUSH_INTERVAL",
        "DYNACCEL_WRITE_BACK_FLUSH_BYTES", "DYNACCEL_WRITE_BACK_MAX_DIRTY_BYTES", "DYNACCEL_WRITE_BACK_SHUTDOWN_TIMEOUT",
        "DYNACCEL_SERVER_SHUTDOWN_TIMEOUT", "DYNACCEL_SERVER_MAX_CONNECTIONS", "DYNACCEL_SERVER_MAX_CONNECTIONS_PER_CLIENT",
        "DYNACCEL_SERVER_MAX_HEADER_BYTES", "DYNACCEL_SERVER_REQUEST_READ_TIMEOUT", "DYNACCEL_ADMIN_HOST", "DYNACCEL_ADMIN_PORT",
        "DYNACCEL_ADMIN_TOKEN_FILE",
        "DYNACCEL_HEALTH_PROBE_INTERVAL", "DYNACCEL_HEALTH_UPSTREAM_WINDOW", "DYNACCEL_BREAKER_ENABLED",
        "DYNACCEL_BREAKER_FAILURE_THRESHOLD", "DYNACCEL_BREAKER_RESET_TIMEOUT",
        "DYNACCEL_TLS_CERT_FILE", "DYNACCEL_TLS_KEY_FILE", "DYNACCEL_TLS_CLIENT_CA_FILE", "DYNACCEL_TLS_RELOAD_INTERVAL",
        "DYNACCEL_UPSTREAM_TRUST_CA_FILE",
        "DYNACCEL_AUTH_MODE", "DYNACCEL_AUTH_ACCOUNT_ID", "DYNACCEL_AUTH_REGIONS",
        "DYNACCEL_CLUSTER_NAME", "DYNACCEL_CLUSTER_JOIN", "DYNACCEL_CLUSTER_MEMBERS", "DYNACCEL_CLUSTER_HOST", "DYNACCEL_CLUSTER_PORT",
        "DYNACCEL_CLUSTER_MIN_MEMBERS", "DYNACCEL_LOG_FORMAT", "DYNACCEL_LOG_ACCESS");
  }

  @Test
  void byFlag_whenDedicatedFlags_mapToDocumentedPaths() {
    assertThat(Settings.byFlag("host")).get().extracting(Setting::path).isEqualTo("server.host");
    assertThat(Settings.byFlag("port")).get().extracting(Setting::path).isEqualTo("server.port");
    assertThat(Settings.byFlag("instances")).get().extracting(Setting::path).isEqualTo("server.instances");
    assertThat(Settings.byFlag("upstream")).get().extracting(Setting::path).isEqualTo("upstream.endpoint");
    assertThat(Settings.byFlag("region")).get().extracting(Setting::path).isEqualTo("upstream.region");
    assertThat(Settings.byFlag("endpoint")).isEmpty();
  }
}
