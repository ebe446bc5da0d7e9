package io.dynaccel.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedactedViewTest {

  private static final String SECRET = "wJalrXUtnFEMI-secret-value";
  private static final String SESSION_TOKEN = "FwoGZXIvYXdzE-session-token";

  @TempDir
  Path dir;

  private DynaccelConfig loadWithSecrets() throws IOException {
    Path secret = Files.writeString(dir.resolve("app.secret"), SECRET + "\n");
    Path token = Files.writeString(dir.resolve("app.token"), SESSION_TOKEN);
    Path adminToken = Files.writeString(dir.resolve("admin.token"), "admin-bearer-token");
    Path file = Files.writeString(dir.resolve("dynaccel.yaml"), """
        auth:
          principals:
            - name: app
              accessKeyId: AKIDAPP
              secretFile: %s
              sessionTokenFile: %s
              allow:
                - { operations: [read], tables: [Orders] }
            - name: env-app
              accessKeyId: AKIDENV
              secretEnv: APP_SECRET
              allow:
                - { operations: ["*"], tables: ["*"] }
        tables:
          Orders: { writeStrategy: invalidate }
        """.formatted(secret, token));
    return ConfigLoader.load(new String[] {"--config", file.toString(), "--set", "admin.tokenFile=" + adminToken},
        Map.of("APP_SECRET", SECRET + "-from-env"));
  }

  @Test
  void redacted_whenPrincipalsHaveSecretsAndTokens_showsNoSecretValue() throws IOException {
    DynaccelConfig config = loadWithSecrets();

    String shown = config.redacted().toString();

    assertThat(config.auth().principals().get(0).secretAccessKey()).isEqualTo(SECRET);
    assertThat(shown).doesNotContain(SECRET, SESSION_TOKEN, "admin-bearer-token");
    assertThat(shown).contains("AKIDAPP", "AKIDENV", RedactedView.REDACTED);
  }

  @Test
  void redacted_whenPrincipalHasSecret_marksItSetAndAnAbsentTokenAbsent() throws IOException {
    Map<String, Object> view = loadWithSecrets().redacted();

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> principals = (List<Map<String, Object>>) ((Map<String, Object>) view.get("auth")).get("principals");
    assertThat(principals.get(0)).containsEntry("name", "app").containsEntry("secretAccessKey", "(redacted)")
        .containsEntry("sessionToken", "(redacted)");
    assertThat(principals.get(1)).containsEntry("secretAccessKey", "(redacted)").containsEntry("sessionToken", null);
  }

  @Test
  void redacted_ofDefaults_showsEverySectionAsPlainValues() {
    Map<String, Object> view = DynaccelConfig.defaults().redacted();

    assertThat(view).containsOnlyKeys("server", "upstream", "cache", "writeBack", "admin", "health", "breaker", "tls", "auth",
        "cluster", "log", "tables");
    @SuppressWarnings("unchecked")
    Map<String, Object> admin = (Map<String, Object>) view.get("admin");
    assertThat(admin).containsEntry("port", 8112).containsEntry("tokenFile", null);
    @SuppressWarnings("unchecked")
    Map<String, Object> cache = (Map<String, Object>) view.get("cache");
    assertThat(cache.get("itemTtl")).isInstanceOf(String.class);
  }

  @Test
  void redacted_ofTableOverrides_spellsStrategiesAsConfigured() throws IOException {
    Map<String, Object> view = loadWithSecrets().redacted();

    @SuppressWarnings("unchecked")
    Map<String, Object> orders = (Map<String, Object>) ((Map<String, Object>) view.get("tables")).get("Orders");
    assertThat(orders).containsEntry("writeStrategy", "invalidate");
  }
}
