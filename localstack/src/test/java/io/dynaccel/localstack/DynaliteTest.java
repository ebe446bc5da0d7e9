package io.dynaccel.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynaccel.localstack.internal.DynaliteInstallation;
import io.dynaccel.localstack.internal.LoopbackPorts;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DynaliteTest {

    private Dynalite dynalite;

    @AfterEach
    void closeDynalite() {
        if (dynalite != null) {
            dynalite.close();
        }
    }

    @Test
    void start_whenNodeAvailable_answersListTables() throws Exception {
        dynalite = Dynalite.onFreePort();

        dynalite.start();

        assertThat(dynalite.isRunning()).isTrue();
        assertThat(dynalite.endpoint()).hasToString("http://127.0.0.1:" + dynalite.port());
        HttpResponse<String> response = DynamoDbHttp.listTables(dynalite);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"TableNames\":[]}");
    }

    @Test
    void createTable_becomesActiveAndAcceptsItems() throws Exception {
        dynalite = Dynalite.onFreePort();
        dynalite.start();

        DynamoDbHttp.createActiveTable(dynalite, "orders");

        assertThat(DynamoDbHttp.putItem(dynalite, "orders", "o-1", "first").statusCode()).isEqualTo(200);
    }

    @Test
    void stopThenStart_keepsTablesAndItemsOnTheSamePort() throws Exception {
        dynalite = Dynalite.onFreePort();
        dynalite.start();
        DynamoDbHttp.createActiveTable(dynalite, "orders");
        assertThat(DynamoDbHttp.putItem(dynalite, "orders", "o-1", "first").statusCode()).isEqualTo(200);

        dynalite.stop();
        assertThat(dynalite.isRunning()).isFalse();
        assertThat(LoopbackPorts.isListening(dynalite.port())).isFalse();
        dynalite.start();

        assertThat(DynamoDbHttp.listTables(dynalite).body()).isEqualTo("{\"TableNames\":[\"orders\"]}");
        assertThat(DynamoDbHttp.getItem(dynalite, "orders", "o-1").body())
                .isEqualTo("{\"Item\":{\"pk\":{\"S\":\"o-1\"},\"value\":{\"S\":\"first\"}}}");
    }

    @Test
    void start_whenAlreadyRunning_keepsTheSameProcess() throws Exception {
        dynalite = Dynalite.onFreePort();
        dynalite.start();
        DynamoDbHttp.createTable(dynalite, "orders");

        dynalite.start();

        assertThat(DynamoDbHttp.listTables(dynalite).body()).isEqualTo("{\"TableNames\":[\"orders\"]}");
    }

    @Test
    void close_stopsTheProcessForGood() {
        dynalite = Dynalite.onFreePort();
        dynalite.start();

        dynalite.close();

        assertThat(dynalite.isRunning()).isFalse();
        assertThat(LoopbackPorts.isListening(dynalite.port())).isFalse();
        assertThatThrownBy(dynalite::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void start_whenPortIsTaken_failsNamingThePort() throws Exception {
        try (ServerSocket squatter = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dynalite = new Dynalite(squatter.getLocalPort());

            assertThatThrownBy(dynalite::start)
                    .isInstanceOf(EmulatorStartException.class)
                    .hasMessageContaining("already listens on 127.0.0.1:" + squatter.getLocalPort());
            assertThat(dynalite.isRunning()).isFalse();
        }
    }

    @Test
    void start_whenDynaliteExitsAtOnce_reportsItsOutput(@TempDir Path brokenHome) throws Exception {
        Path cli = brokenHome.resolve("node_modules/dynalite/cli.js");
        Files.createDirectories(cli.getParent());
        Files.writeString(cli, "console.error('cannot open the LevelDB store'); process.exit(3)\n");
        String realHome = System.getProperty(DynaliteInstallation.HOME_PROPERTY);
        System.setProperty(DynaliteInstallation.HOME_PROPERTY, brokenHome.toString());
        try {
            dynalite = Dynalite.onFreePort();
        } finally {
            restoreProperty(DynaliteInstallation.HOME_PROPERTY, realHome);
        }

        assertThatThrownBy(dynalite::start)
                .isInstanceOf(EmulatorStartException.class)
                .hasMessageContaining("exited with code 3")
                .hasMessageContaining("cannot open the LevelDB store");
        assertThat(dynalite.isRunning()).isFalse();
    }

    private static void restoreProperty(String name, String value) {
        if (value == null) {
            System.clearProperty(name);
        } else {
            System.setProperty(name, value);
        }
    }
}
