package io.dynaccel.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;

/** Runs LocalStack in Docker; skipped where no Docker engine is available. */
class LocalStackEmulatorIT {

    private static LocalStackEmulator localStack;

    @BeforeAll
    static void startLocalStack() {
        assumeTrue(DockerClientFactory.instance().isDockerAvailable(), "no Docker engine: LocalStack cannot run");
        localStack = new LocalStackEmulator();
        localStack.start();
    }

    @AfterAll
    static void closeLocalStack() {
        if (localStack != null) {
            localStack.close();
        }
    }

    @Test
    void start_whenDockerAvailable_answersListTables() throws Exception {
        assertThat(DynamoDbHttp.listTables(localStack).statusCode()).isEqualTo(200);
    }

    @Test
    void stopThenStart_servesAgainOnTheSameEndpoint() throws Exception {
        URI before = localStack.endpoint();

        localStack.stop();
        assertThat(localStack.isRunning()).isFalse();
        localStack.start();

        assertThat(localStack.endpoint()).isEqualTo(before);
        assertThat(DynamoDbHttp.listTables(localStack).statusCode()).isEqualTo(200);
    }
}
