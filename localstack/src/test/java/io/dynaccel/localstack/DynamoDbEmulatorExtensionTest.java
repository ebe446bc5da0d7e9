package io.dynaccel.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

// Ordered because the second test checks what the extension does between tests after the first stopped an emulator.
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DynamoDbEmulatorExtensionTest {

    @RegisterExtension
    static DynamoDbEmulatorExtension primary = new DynamoDbEmulatorExtension(Dynalite::onFreePort);

    @RegisterExtension
    static DynamoDbEmulatorExtension secondary = new DynamoDbEmulatorExtension(Dynalite::onFreePort);

    @Test
    @Order(1)
    void twoFields_giveTwoIndependentEmulators() throws Exception {
        assertThat(primary.endpoint()).isNotEqualTo(secondary.endpoint());

        DynamoDbHttp.createTable(primary.emulator(), "only_in_primary");

        assertThat(DynamoDbHttp.listTables(primary.emulator()).body()).contains("only_in_primary");
        assertThat(DynamoDbHttp.listTables(secondary.emulator()).body()).isEqualTo("{\"TableNames\":[]}");
        primary.emulator().stop();
    }

    @Test
    @Order(2)
    void beforeEach_restartsAnEmulatorThatAnEarlierTestStopped() throws Exception {
        assertThat(primary.emulator().isRunning()).isTrue();
        assertThat(DynamoDbHttp.listTables(primary.emulator()).body()).contains("only_in_primary");
    }
}
