package io.dynaccel.localstack.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynaccel.localstack.EmulatorStartException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DynaliteInstallationTest {

    @TempDir
    Path repository;

    @Test
    void locate_fromASiblingModule_findsTheLocalstackModule() throws IOException {
        Path cli = installDynalite(repository.resolve("localstack"));
        Path serverModule = Files.createDirectories(repository.resolve("server"));

        assertThat(DynaliteInstallation.locate(null, serverModule).cliScript()).isEqualTo(cli);
    }

    @Test
    void locate_fromTheRepositoryRoot_findsTheLocalstackModule() throws IOException {
        Path cli = installDynalite(repository.resolve("localstack"));

        assertThat(DynaliteInstallation.locate(null, repository).cliScript()).isEqualTo(cli);
    }

    @Test
    void locate_withAConfiguredHome_usesIt() throws IOException {
        Path cli = installDynalite(repository.resolve("elsewhere"));

        assertThat(DynaliteInstallation.locate(repository.resolve("elsewhere").toString(), Path.of("/"))
                .cliScript()).isEqualTo(cli);
    }

    @Test
    void locate_whenNotInstalled_saysHowToInstall() {
        assertThatThrownBy(() -> DynaliteInstallation.locate(null, repository))
                .isInstanceOf(EmulatorStartException.class)
                .hasMessageContaining("mvn -pl localstack generate-resources");
    }

    @Test
    void locate_whenConfiguredHomeLacksDynalite_namesTheProperty() {
        assertThatThrownBy(() -> DynaliteInstallation.locate(repository.toString(), repository))
                .isInstanceOf(EmulatorStartException.class)
                .hasMessageContaining(DynaliteInstallation.HOME_PROPERTY);
    }

    private static Path installDynalite(Path home) throws IOException {
        Path cli = home.resolve("node_modules/dynalite/cli.js");
        Files.createDirectories(cli.getParent());
        return Files.writeString(cli, "// stand-in for dynalite's cli.js\n");
    }
}
