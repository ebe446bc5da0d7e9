package io.dynaccel.localstack;

import java.net.URI;

/**
 * A real DynamoDB implementation served over HTTP on this machine, for integration tests and local development.
 *
 * <p>The endpoint stays the same across {@link #stop()} and {@link #start()}, so a test can take the upstream away
 * while a client is talking to it and bring it back where the client expects it.
 */
public interface DynamoDbEmulator extends AutoCloseable {

    /**
     * Starts the emulator and blocks until it answers HTTP requests; after {@link #stop()} it starts again on the same
     * endpoint. Does nothing when it is already running.
     *
     * @throws EmulatorStartException if it does not come up
     * @throws IllegalStateException if it was closed
     */
    void start();

    /**
     * Stops the emulator and blocks until it no longer accepts connections. Whether tables survive until the next
     * {@link #start()} depends on the implementation: {@link Dynalite} keeps them, {@link LocalStackEmulator} does
     * not. Does nothing when it is not running.
     */
    void stop();

    /** Whether the emulator is started and its process or container is still alive. */
    boolean isRunning();

    /**
     * The HTTP endpoint for DynamoDB clients, for example {@code http://127.0.0.1:45123}.
     *
     * @throws IllegalStateException if the endpoint is not known yet because the emulator never started
     */
    URI endpoint();

    /** The AWS region that clients should sign requests for. */
    String region();

    /** An access key id the emulator accepts; it does not verify signatures, so any fixed value works. */
    default String accessKeyId() {
        return "test";
    }

    /** The secret key matching {@link #accessKeyId()}. */
    default String secretAccessKey() {
        return "test";
    }

    /** Stops the emulator for good and deletes its data; it cannot be started again. */
    @Override
    void close();
}
