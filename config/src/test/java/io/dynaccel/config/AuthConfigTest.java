package io.dynaccel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthConfigTest {

  @TempDir
  Path dir;
  private Path secret;

  @BeforeEach
  void writeSecret() throws IOException {
    secret = Files.writeString(dir.resolve("app.secret"), "s3cr3t-value\n");
  }

  private DynaccelConfig load(String yaml, Map<String, String> env, String... args) throws IOException {
    Path file = Files.writeString(dir.resolve("dynaccel.yaml"), yaml.replace("SECRET_FILE", secret.toString()));
    String[] all = new String[args.length + 2];
    all[0] = "--config";
    all[1] = file.toString();
    System.arraycopy(args, 0, all, 2, args.length);
    return ConfigLoader.load(all, env);
  }

  private DynaccelConfig load(String yaml) throws IOException {
    return load(yaml, Map.of());
  }

  private String file() {
    return dir.resolve("dynaccel.yaml").toString();
  }

  @Test
  void load_whenNoAuthSection_isModeNone() {
    AuthConfig auth = ConfigLoader.load(new String[0], Map.of()).auth();

    assertThat(auth).isEqualTo(AuthConfig.none());
    assertThat(auth.accountId()).isEqualTo("000000000000");
    assertThat(auth.allowedRegions("eu-west-1")).containsExactly("eu-west-1");
  }

  @Test
  void load_whenPrincipalsInFile_readsThemWithSecretsAndRules() throws IOException {
    AuthConfig auth = load("""
        auth:
          mode: sigv4
          accountId: "123456789012"
          regions: [us-east-1, eu-west-1]
          principals:
            - name: app
              accessKeyId: AKIDAPP
              secretFile: SECRET_FILE
              allow:
                - { operations: [read, PutItem], tables: ["Orders*"] }
            - name: temp
              accessKeyId: AKIDTEMP
              secretEnv: TEMP_SECRET
              sessionTokenEnv: TEMP_TOKEN
        """, Map.of("TEMP_SECRET", "env-secret", "TEMP_TOKEN", "tok")).auth();

    assertThat(auth.mode()).isEqualTo(AuthMode.SIGV4);
    assertThat(auth.allowedRegions("ap-south-1")).containsExactly("us-east-1", "eu-west-1");
    assertThat(auth.principals()).hasSize(2);
    AuthPrincipal app = auth.principals().get(0);
    assertThat(app.secretAccessKey()).isEqualTo("s3cr3t-value");
    assertThat(app.sessionToken()).isEmpty();
    assertThat(app.allow()).containsExactly(new AllowRule(List.of("read", "PutItem"), List.of("Orders*")));
    assertThat(app.allow().get(0).actions()).contains("GetItem", "Query", "PartiQLSelect", "PutItem").doesNotContain("DeleteItem");
    AuthPrincipal temp = auth.principals().get(1);
    assertThat(temp.secretAccessKey()).isEqualTo("env-secret");
    assertThat(temp.sessionToken()).contains("tok");
    assertThat(temp.allow()).isEmpty();
  }

  @Test
  void toString_whenPrincipalHasSecrets_hidesThem() throws IOException {
    DynaccelConfig config = load("""
        auth:
          principals:
            - { name: app, accessKeyId: AKIDAPP, secretFile: SECRET_FILE, sessionTokenEnv: TOKEN }
        """, Map.of("TOKEN", "the-session-token"));

    assertThat(config.toString()).contains("AKIDAPP").doesNotContain("s3cr3t-value").doesNotContain("the-session-token");
  }

  @Test
  void load_whenSigV4WithoutPrincipals_throws() {
    assertThatThrownBy(() -> ConfigLoader.load(new String[] {"--set", "auth.mode=sigv4"}, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("auth.principals: auth.mode sigv4 needs at least one principal");
  }

  @Test
  void load_whenPrincipalsGivenByFlag_pointsToTheFile() {
    assertThatThrownBy(() -> ConfigLoader.load(new String[] {"--set", "auth.principals=x"}, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("can only be given in the configuration file");
  }

  @Test
  void load_whenRegionsAndModeFromEnvironment_parsesThem() {
    assertThat(ConfigLoader.load(new String[0], Map.of("DYNACCEL_AUTH_REGIONS", "us-east-1, eu-west-1")).auth().regions())
        .containsExactly("us-east-1", "eu-west-1");
    assertThatThrownBy(() -> ConfigLoader.load(new String[0], Map.of("DYNACCEL_AUTH_MODE", "iam")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("auth.mode: expected one of none, sigv4, got 'iam' (from environment variable DYNACCEL_AUTH_MODE)");
    assertThatThrownBy(() -> ConfigLoader.load(new String[] {"--set", "auth.accountId=12"}, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("auth.accountId: must be a 12-digit AWS account id, got '12'");
  }

  @Test
  void load_whenPrincipalHasUnknownKey_namesItWithFileAndLine() {
    assertThatThrownBy(() -> load("""
        auth:
          principals:
            - name: app
              accessKeyId: AKIDAPP
              secretFile: SECRET_FILE
              secret: inline
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessage("unknown setting 'auth.principals[0].secret' (from " + file() + ":6); known: name, accessKeyId, "
            + "secretFile, secretEnv, sessionTokenFile, sessionTokenEnv, allow");
  }

  @Test
  void load_whenPrincipalMissesKeys_namesWhatIsMissing() {
    assertThatThrownBy(() -> load("""
        auth:
          principals:
            - { name: app, secretFile: SECRET_FILE }
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessage("auth.principals[0] (app): missing 'accessKeyId' (from " + file() + ":3)");
    assertThatThrownBy(() -> load("""
        auth:
          principals:
            - { name: app, accessKeyId: AKIDAPP }
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessage("auth.principals[0] (app): missing 'secretFile' or 'secretEnv' (from " + file() + ":3)");
    assertThatThrownBy(() -> load("""
        auth:
          principals:
            - { name: app, accessKeyId: AKIDAPP, secretFile: SECRET_FILE, secretEnv: X }
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessage("auth.principals[0] (app): give either 'secretFile' or 'secretEnv', not both (from " + file() + ":3)");
  }

  @Test
  void load_whenAccessKeyIdRepeated_namesBothLines() {
    assertThatThrownBy(() -> load("""
        auth:
          principals:
            - { name: a, accessKeyId: AKIDAPP, secretFile: SECRET_FILE }
            - { name: b, accessKeyId: AKIDAPP, secretFile: SECRET_FILE }
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessage("duplicate access key id 'AKIDAPP' in auth.principals (from " + file() + ":4; first at " + file() + ":3)");
  }

  @Test
  void load_whenSecretMissing_namesThePrincipalNotTheSecret() {
    assertThatThrownBy(() -> load("""
        auth:
          principals:
            - { name: app, accessKeyId: AKIDAPP, secretFile: /nonexistent/app.secret }
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessage("auth.principals[0] (app): cannot read secretFile '/nonexistent/app.secret' (NoSuchFileException) (from "
            + file() + ":3)");
    assertThatThrownBy(() -> load("""
        auth:
          principals:
            - { name: app, accessKeyId: AKIDAPP, secretEnv: APP_SECRET }
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessage("auth.principals[0] (app): environment variable APP_SECRET named by secretEnv is not set (from "
            + file() + ":3)");
  }

  @Test
  void load_whenRuleNamesUnknownOperation_namesTheRule() {
    assertThatThrownBy(() -> load("""
        auth:
          principals:
            - name: app
              accessKeyId: AKIDAPP
              secretFile: SECRET_FILE
              allow:
                - { operations: [GetItems], tables: ["*"] }
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("auth.principals[0] (app).allow[0]: unknown operation 'GetItems'")
        .hasMessageEndingWith("(from " + file() + ":7)");
  }

  @Test
  void allowRule_whenAnyOperation_allowsEveryAction() {
    AllowRule rule = new AllowRule(List.of("*"), List.of("*"));

    assertThat(rule.allowsEveryAction()).isTrue();
    assertThat(new AllowRule(List.of("write"), List.of("A")).actions())
        .containsExactlyInAnyOrderElementsOf(AllowRule.WRITE_ACTIONS);
    assertThat(new AuthPrincipal("n", "k", "s", Optional.empty(), List.of()).toString()).doesNotContain("=s,");
  }
}
