package io.dynaccel.localstack;

import java.util.Locale;
import org.testcontainers.DockerClientFactory;

/**
 * Picks the DynamoDB emulator for this machine: LocalStack when a Docker engine is available, dynalite otherwise.
 * The system property {@value #UPSTREAM_PROPERTY} overrides the choice: {@code dynalite} or {@code localstack}.
 */
public final class DynamoDbEmulators {

    /** System property choosing the emulator: {@code dynalite}, {@code localstack}, or unset to pick by Docker. */
    public static final String UPSTREAM_PROPERTY = "dynaccel.upstream";

    private DynamoDbEmulators() {
    }

    /** An emulator of the chosen kind, not started yet. */
    public static DynamoDbEmulator create() {
        String upstream = System.getProperty(UPSTREAM_PROPERTY, "").trim().toLowerCase(Locale.ROOT);
        switch (upstream) {
            case "dynalite":
                return Dynalite.onFreePort();
            case "localstack":
                return new LocalStackEmulator();
            case "":
                return DockerClientFactory.instance().isDockerAvailable()
                        ? new LocalStackEmulator()
                        : Dynalite.onFreePort();
            default:
                throw new IllegalArgumentException(UPSTREAM_PROPERTY + "=" + upstream
                        + " is not a DynamoDB emulator; use dynalite or localstack, or leave it unset");
        }
    }

    /** An emulator of the chosen kind, started and answering requests. */
    public static DynamoDbEmulator start() {
        return started(create());
    }

    /** Starts {@code emulator}, closing it if it fails so that nothing of it is left behind, and returns it. */
    static <E extends DynamoDbEmulator> E started(E emulator) {
        try {
            emulator.start();
        } catch (RuntimeException e) {
            emulator.close();
            throw e;
        }
        return emulator;
    }
}
