package io.dynaccel.localstack;

import io.dynaccel.localstack.internal.LoopbackPorts;
import java.net.URI;
import java.util.List;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * LocalStack's DynamoDB in a Docker container, run through Testcontainers. Needs a Docker engine.
 *
 * <p>The container's port 4566 is bound to a fixed host port chosen up front, so the endpoint stays the same when
 * {@link #stop()} removes the container and {@link #start()} creates a new one. LocalStack (community edition) keeps
 * its tables in memory, so they do not survive {@link #stop()}.
 */
public final class LocalStackEmulator implements DynamoDbEmulator {

    /** System property overriding {@link #DEFAULT_IMAGE}. */
    public static final String IMAGE_PROPERTY = "dynaccel.localstack.image";

    /**
     * The LocalStack image used unless {@value #IMAGE_PROPERTY} names another: 4.14.0, the last release that starts
     * without an auth token (from 2026.03.0 the image requires {@code LOCALSTACK_AUTH_TOKEN}). The compose file in
     * this module pins the same tag.
     */
    public static final String DEFAULT_IMAGE = "localstack/localstack:4.14.0";

    private static final int EDGE_PORT = 4566;

    private final DockerImageName image;
    private final int hostPort = LoopbackPorts.findFree();
    private LocalStackContainer container;
    private URI endpoint;
    private String region;
    private boolean closed;

    /** A LocalStack emulator of the image in {@value #IMAGE_PROPERTY}, else {@link #DEFAULT_IMAGE}. */
    public LocalStackEmulator() {
        this(DockerImageName.parse(System.getProperty(IMAGE_PROPERTY, DEFAULT_IMAGE)));
    }

    /** A LocalStack emulator of the given image, which must be a {@code localstack/localstack} image. */
    public LocalStackEmulator(DockerImageName image) {
        this.image = image;
    }

    @Override
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("LocalStack on port " + hostPort + " was closed");
        }
        if (isRunning()) {
            return;
        }
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            throw new EmulatorStartException("LocalStack needs a Docker engine and none is available; run without -D"
                    + DynamoDbEmulators.UPSTREAM_PROPERTY + "=localstack to use dynalite instead");
        }
        LocalStackContainer started = new LocalStackContainer(image).withServices("dynamodb");
        started.setPortBindings(List.of(hostPort + ":" + EDGE_PORT));
        try {
            started.start();
        } catch (RuntimeException e) {
            throw new EmulatorStartException("LocalStack (" + image + ") did not start on port " + hostPort, e);
        }
        container = started;
        endpoint = started.getEndpoint();
        region = started.getRegion();
    }

    @Override
    public synchronized void stop() {
        if (container != null) {
            container.stop();
            container = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return container != null && container.isRunning();
    }

    @Override
    public synchronized URI endpoint() {
        if (endpoint == null) {
            throw new IllegalStateException("LocalStack has not been started, so its host is not known yet");
        }
        return endpoint;
    }

    @Override
    public synchronized String region() {
        if (region == null) {
            throw new IllegalStateException("LocalStack has not been started, so its region is not known yet");
        }
        return region;
    }

    @Override
    public synchronized void close() {
        closed = true;
        stop();
    }

    @Override
    public String toString() {
        return "LocalStackEmulator[" + image + ", port " + hostPort + "]";
    }
}
