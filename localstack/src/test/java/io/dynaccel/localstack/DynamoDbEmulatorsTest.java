package io.dynaccel.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;

class DynamoDbEmulatorsTest {

    @AfterEach
    void clearUpstreamProperty() {
        System.clearProperty(DynamoDbEmulators.UPSTREAM_PROPERTY);
    }

    @Test
    void create_whenUpstreamIsDynalite_picksDynalite() {
        System.setProperty(DynamoDbEmulators.UPSTREAM_PROPERTY, "dynalite");

        try (DynamoDbEmulator emulator = DynamoDbEmulators.create()) {
            assertThat(emulator).isInstanceOf(Dynalite.class);
            assertThat(emulator.isRunning()).isFalse();
        }
    }

    @Test
    void create_whenUpstreamIsUnknown_namesTheChoices() {
        System.setProperty(DynamoDbEmulators.UPSTREAM_PROPERTY, "dynamodb-local");

        assertThatThrownBy(DynamoDbEmulators::create)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dynalite or localstack");
    }

    @Test
    void create_withoutDocker_picksDynalite() {
        assumeFalse(DockerClientFactory.instance().isDockerAvailable(), "Docker is available: LocalStack is picked");

        try (DynamoDbEmulator emulator = DynamoDbEmulators.create()) {
            assertThat(emulator).isInstanceOf(Dynalite.class);
        }
    }

    @Test
    void start_whenLocalStackForcedWithoutDocker_failsExplainingWhy() {
        assumeFalse(DockerClientFactory.instance().isDockerAvailable(), "Docker is available: LocalStack would start");
        System.setProperty(DynamoDbEmulators.UPSTREAM_PROPERTY, "localstack");

        assertThatThrownBy(DynamoDbEmulators::start)
                .isInstanceOf(EmulatorStartException.class)
                .hasMessageContaining("needs a Docker engine");
    }
}
