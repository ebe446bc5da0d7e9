package io.dynaccel.localstack.internal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/** Polls an HTTP endpoint with GET until it answers 200, the deadline passes, or the server is known to be gone. */
public final class HttpHealthCheck {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(50);

    private HttpHealthCheck() {
    }

    /**
     * Blocks until {@code GET uri} answers 200.
     *
     * @param uri the URL to poll
     * @param timeout how long to keep polling
     * @param serverAlive checked between polls; polling stops early once it turns false (the process exited)
     * @return true when the endpoint answered 200; false on timeout or when {@code serverAlive} turned false
     */
    public static boolean awaitHealthy(URI uri, Duration timeout, BooleanSupplier serverAlive) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET().build();
        Instant deadline = Instant.now().plus(timeout);
        while (serverAlive.getAsBoolean()) {
            try {
                if (client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return true;
                }
            } catch (IOException notListeningYet) {
                // Expected while the server boots: keep polling until the deadline.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            if (Instant.now().isAfter(deadline)) {
                return false;
            }
            try {
                Thread.sleep(POLL_INTERVAL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }
}
