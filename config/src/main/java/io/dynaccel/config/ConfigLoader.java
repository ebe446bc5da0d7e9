package io.dynaccel.config;

import java.util.Map;
import java.util.Objects;

/**
 * Builds the {@link DynaccelConfig} from, in increasing precedence: built-in defaults, a YAML file,
 * {@code DYNACCEL_*} environment variables and command-line flags; any invalid input fails with one
 * {@link ConfigException} naming the setting, its source and what is expected.
 *
 * <h2>YAML file</h2>
 * Given by {@code --config FILE}, else by {@code DYNACCEL_CONFIG}; no file is read if neither is set. Read with
 * SnakeYAML's safe loader. An empty or comments-only file, or an empty section, changes nothing.
 * <pre>
 * server:   { host: 127.0.0.1, port: 8111, instances: 2, maxRequestBytes: 16MiB, idleTimeout: 60s,
 *             shutdownTimeout: 30s, maxConnections: 10000, maxConnectionsPerClient: 1000,
 *             maxHeaderBytes: 16KiB, requestReadTimeout: 30s }
 * upstream: { endpoint: http://127.0.0.1:4567, region: us-east-1, connectTimeout: 2s, requestTimeout: 10s,
 *             maxConnections: 256, maxRetries: 0, trustCaFile: /etc/dynaccel/upstream-ca.pem,
 *             streamsEndpoint: https://streams.dynamodb.us-east-1.amazonaws.com }   # default: derived, see UpstreamConfig
 * cache:    { maxBytes: 256MiB, itemTtl: 5m, negativeTtl: 1m, queryTtl: 5m, queryMaxBytes: 64MiB, schemaRefresh: 30s,
 *             serveStaleOnError: 0s }
 * writeBack: { logDir: dynaccel-wal, fsync: always, fsyncInterval: 1s, groupCommitWait: 0ms, segmentBytes: 64MiB,
 *             flushInterval: 1s, flushBytes: 4MiB, maxDirtyBytes: 64MiB, shutdownTimeout: 30s }
 * admin:    { host: 127.0.0.1, port: 8112, tokenFile: /etc/dynaccel/admin-token }  # a token is required off loopback
 * health:   { probeInterval: 1s, upstreamWindow: 3s }        # ready only if DynamoDB answered within the window
 * breaker:  { enabled: true, failureThreshold: 5, resetTimeout: 2s }
 * tls:      { certFile: /etc/dynaccel/node.pem, keyFile: /etc/dynaccel/node-key.pem,   # both or neither: HTTPS only
 *             clientCaFile: /etc/dynaccel/clients-ca.pem, reloadInterval: 10s }        # mutual TLS; 0s never reloads
 * auth:
 *   mode: sigv4                  # none (default) or sigv4
 *   accountId: "123456789012"    # named in the ARNs of AccessDeniedException messages; default 000000000000
 *   regions: [us-east-1]         # regions a credential scope may name; default: only upstream.region
 *   principals:                  # file only; at least one with sigv4
 *     - name: orders-app         # arn:aws:iam::&lt;accountId&gt;:user/orders-app
 *       accessKeyId: AKIAORDERSAPP
 *       secretFile: /run/secrets/orders-app   # or secretEnv: ORDERS_APP_SECRET (exactly one)
 *       sessionTokenFile: /run/secrets/token  # optional (or sessionTokenEnv): calls must carry this token
 *       allow:                   # no rule allows nothing
 *         - { operations: [read, PutItem], tables: ["Orders*"] }   # action names, *, read, write
 *         - { operations: [ListTables], tables: ["*"] }           # table-less actions need "*"
 * cluster:  { name: dynaccel, join: tcp-ip, port: 5701, host: 127.0.0.1,   # no members: the node runs alone
 *             members: [127.0.0.1:5701, 127.0.0.1:5702, 127.0.0.1:5703], minMembers: 0 }   # 0: a majority
 * log:      { format: text, access: false }   # text or json; access: one line per API call on dynaccel.access
 * tables:
 *   "*":    { writeStrategy: write-back }                 # every table without an entry of its own
 *   Orders: { writeStrategy: invalidate, itemTtl: 30s }   # writeStrategy, itemTtl, negativeTtl, queryTtl,
 *                                                         # streamInvalidation
 * </pre>
 * Unknown or duplicate keys, wrong types and out-of-range values are errors.
 *
 * <h2>Value formats</h2>
 * <ul>
 *   <li>Durations: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 2d} (units are lower-case) or
 *       ISO-8601 such as {@code PT5M}. A bare number is rejected because its unit would be a guess.</li>
 *   <li>Sizes: plain bytes, or a number with a 1024-based suffix: {@code k}/{@code KiB}, {@code m}/{@code MiB},
 *       {@code g}/{@code GiB} (case-insensitive). {@code KB}/{@code MB}/{@code GB} are rejected as ambiguous.</li>
 *   <li>Write strategies: {@code write-through}, {@code invalidate}, {@code write-back}; fsync policies:
 *       {@code always}, {@code interval}.</li>
 *   <li>An empty {@code upstream.endpoint} means "the AWS endpoint of the region"; an empty
 *       {@code upstream.streamsEndpoint} means "the DynamoDB Streams endpoint that goes with upstream.endpoint"
 *       ({@link UpstreamConfig#effectiveStreamsEndpoint()}).</li>
 *   <li>Booleans ({@code breaker.enabled}): {@code true} or {@code false} only.</li>
 *   <li>Files ({@code tls.*File}, {@code upstream.trustCaFile}) are paths; an empty value means "no file".
 *       {@code tls.certFile} and {@code tls.keyFile} are set together or not at all, and {@code tls.clientCaFile}
 *       needs them. {@code upstream.trustCaFile} adds CAs to the JVM's default trust rather than replacing it.</li>
 *   <li>Auth modes: {@code none}, {@code sigv4}. Lists ({@code auth.regions}): a YAML list, or words separated
 *       by commas ({@code us-east-1,eu-west-1}), the only form in variables and flags.</li>
 * </ul>
 *
 * <h2>Environment</h2>
 * One variable per setting, named after its YAML path: {@code DYNACCEL_SERVER_HOST}, {@code DYNACCEL_SERVER_PORT},
 * {@code DYNACCEL_SERVER_INSTANCES}, {@code DYNACCEL_SERVER_MAX_REQUEST_BYTES}, {@code DYNACCEL_SERVER_IDLE_TIMEOUT},
 * {@code DYNACCEL_UPSTREAM_ENDPOINT}, {@code DYNACCEL_UPSTREAM_STREAMS_ENDPOINT}, {@code DYNACCEL_UPSTREAM_REGION},
 * {@code DYNACCEL_UPSTREAM_CONNECT_TIMEOUT}, {@code DYNACCEL_UPSTREAM_REQUEST_TIMEOUT}, {@code DYNACCEL_UPSTREAM_MAX_CONNECTIONS},
 * {@code DYNACCEL_UPSTREAM_MAX_RETRIES}, {@code DYNACCEL_CACHE_MAX_BYTES}, {@code DYNACCEL_CACHE_ITEM_TTL},
 * {@code DYNACCEL_CACHE_NEGATIVE_TTL}, {@code DYNACCEL_CACHE_QUERY_TTL}, {@code DYNACCEL_CACHE_QUERY_MAX_BYTES},
 * {@code DYNACCEL_CACHE_SCHEMA_REFRESH}, {@code DYNACCEL_CACHE_SERVE_STALE_ON_ERROR}, {@code DYNACCEL_WRITE_BACK_LOG_DIR},
 * {@code DYNACCEL_WRITE_BACK_FSYNC}, ..., {@code DYNACCEL_HEALTH_PROBE_INTERVAL}, {@code DYNACCEL_HEALTH_UPSTREAM_WINDOW},
 * {@code DYNACCEL_BREAKER_ENABLED}, {@code DYNACCEL_BREAKER_FAILURE_THRESHOLD}, {@code DYNACCEL_BREAKER_RESET_TIMEOUT},
 * {@code DYNACCEL_TLS_CERT_FILE}, {@code DYNACCEL_TLS_KEY_FILE}, {@code DYNACCEL_TLS_CLIENT_CA_FILE},
 * {@code DYNACCEL_TLS_RELOAD_INTERVAL}, {@code DYNACCEL_UPSTREAM_TRUST_CA_FILE},
 * {@code DYNACCEL_AUTH_MODE}, {@code DYNACCEL_AUTH_ACCOUNT_ID}, {@code DYNACCEL_AUTH_REGIONS}, ...,
 * {@code DYNACCEL_LOG_FORMAT}, {@code DYNACCEL_LOG_ACCESS} ({@link Usage#text()} lists every one);
 * plus {@code DYNACCEL_CONFIG} (file path) and {@code DYNACCEL_TABLES}. A blank variable counts as unset.
 * An unknown variable starting with {@code DYNACCEL_SERVER_}, {@code DYNACCEL_UPSTREAM_}, {@code DYNACCEL_CACHE_},
 * {@code DYNACCEL_WRITE_BACK_}, {@code DYNACCEL_ADMIN_}, {@code DYNACCEL_HEALTH_}, {@code DYNACCEL_BREAKER_},
 * {@code DYNACCEL_TLS_}, {@code DYNACCEL_AUTH_}, {@code DYNACCEL_CLUSTER_}, {@code DYNACCEL_LOG_} or {@code DYNACCEL_TABLES_} is an error (other {@code DYNACCEL_*} names are left to other components).
 * {@code AWS_REGION}, then {@code AWS_DEFAULT_REGION}, provide the <em>default</em> region, so a region in the file
 * still wins over them.
 *
 * <p>Table names may contain '.' and '-', which variable names cannot, so per-table settings use one variable:
 * <pre>
 * DYNACCEL_TABLES='Orders:writeStrategy=invalidate,itemTtl=30s;Users:writeStrategy=write-back'
 * </pre>
 * i.e. {@code ;}-separated entries of {@code <table>:<key>=<value>,<key>=<value>}, keys as in YAML.
 *
 * <h2>Command line</h2>
 * {@code --config FILE}, {@code --host H}, {@code --port N}, {@code --instances N}, {@code --upstream URI}
 * (= upstream.endpoint), {@code --region R}, and {@code --set path=value} for any setting by YAML path, e.g.
 * {@code --set cache.itemTtl=30s} or {@code --set tables.Orders.writeStrategy=invalidate}. Each flag may be
 * written {@code --port 8111} or {@code --port=8111}; a repeated flag's last value wins. Anything else
 * (including {@code --help}, which the caller should handle first) is an error.
 *
 * <p>Every layer overrides single fields: a table configured in the file and again in {@code DYNACCEL_TABLES}
 * keeps the file's values for keys the variable does not mention. Per-table TTLs that are never set take
 * the final cache-wide TTL.
 */
public final class ConfigLoader {

  private ConfigLoader() {
  }

  /**
   * Loads the configuration.
   *
   * @param args command-line arguments, e.g. those given to {@code main}
   * @param env environment variables, normally {@link System#getenv()}; a parameter so tests can supply their own
   * @throws ConfigException if any source holds an invalid, unknown or unreadable setting
   */
  public static DynaccelConfig load(String[] args, Map<String, String> env) {
    Objects.requireNonNull(args, "args");
    Objects.requireNonNull(env, "env");
    // Flags are parsed first: they may name the file, and a typo in them should not wait behind file errors.
    CommandLine commandLine = CommandLine.parse(args);
    ConfigValues values = ConfigValues.defaults(env);
    if (commandLine.configFile().isPresent()) {
      YamlFile.apply(commandLine.configFile().get(), "command-line flag --" + CommandLine.CONFIG_FLAG, values);
    } else {
      Environment.get(env, Environment.CONFIG)
          .ifPresent(file -> YamlFile.apply(file, "environment variable " + Environment.CONFIG, values));
    }
    Environment.apply(env, values);
    for (CommandLine.Assignment assignment : commandLine.assignments()) {
      values.set(assignment.path(), assignment.text(), assignment.source());
    }
    return values.build();
  }
}
