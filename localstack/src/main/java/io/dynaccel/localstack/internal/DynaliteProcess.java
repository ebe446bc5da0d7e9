package io.dynaccel.localstack.internal;

import io.dynaccel.localstack.EmulatorStartException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One running {@code node dynalite/cli.js} process listening on 127.0.0.1. */
public final class DynaliteProcess {

    /** Dynalite binds only the loopback interface: it is for tests and development, never reachable from outside. */
    public static final String HOST = "127.0.0.1";

    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final int LOG_TAIL_LINES = 40;

    private final Process process;
    private final int port;
    private final Path logFile;

    private DynaliteProcess(Process process, int port, Path logFile) {
        this.process = process;
        this.port = port;
        this.logFile = logFile;
    }

    /**
     * Launches dynalite without waiting for it to listen; call {@link #awaitReady(Duration)} next. Tables change
     * state (CREATING to ACTIVE and so on) within milliseconds instead of dynalite's default half second, but still
     * after the request returns: as with DynamoDB, clients wait for ACTIVE before using a new table.
     *
     * @param installation where dynalite is installed
     * @param port the port to listen on; must be free
     * @param dataDirectory the LevelDB directory, which keeps the tables when the process is stopped and launched again
     * @param logFile receives the process's stdout and stderr, appended
     * @throws EmulatorStartException if the port is taken or {@code node} cannot be run
     */
    public static DynaliteProcess launch(DynaliteInstallation installation, int port, Path dataDirectory, Path logFile) {
        // Without this check a leftover server on the port would pass the health check in place of ours.
        if (LoopbackPorts.isListening(port)) {
            throw new EmulatorStartException("cannot start dynalite: something already listens on " + HOST + ":" + port);
        }
        List<String> command = List.of("node", installation.cliScript().toString(),
                "--host", HOST, "--port", Integer.toString(port), "--path", dataDirectory.toString(),
                "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0");
        try {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            // Output goes to a file rather than a pipe: nobody reads a pipe, and a full one would block dynalite.
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
            return new DynaliteProcess(process, port, logFile);
        } catch (IOException e) {
            throw new EmulatorStartException("cannot run `" + String.join(" ", command)
                    + "`: is Node.js (20 or later, as dynalite 4 requires) on the PATH?", e);
        }
    }

    /**
     * Blocks until dynalite answers {@code GET /} with 200.
     *
     * @throws EmulatorStartException with the process's output if it exits or does not answer within {@code timeout};
     *     the process is destroyed in that case
     */
    public void awaitReady(Duration timeout) {
        if (HttpHealthCheck.awaitHealthy(endpoint(), timeout, process::isAlive)) {
            return;
        }
        String reason = process.isAlive()
                ? "did not answer GET " + endpoint() + " within " + timeout.toSeconds() + " s"
                : "exited with code " + process.exitValue();
        destroy();
        throw new EmulatorStartException("dynalite on port " + port + " " + reason + "; its output (" + logFile
                + "):\n" + logTail());
    }

    /** The HTTP endpoint dynalite serves. */
    public URI endpoint() {
        return URI.create("http://" + HOST + ":" + port + "/");
    }

    /** Whether the process has not exited. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** Blocks until the process exits and returns its exit code. */
    public int waitFor() throws InterruptedException {
        return process.waitFor();
    }

    /**
     * Terminates the process and any children, forcibly if it ignores SIGTERM, and waits until it is gone so the port
     * is free for the next launch.
     */
    public void destroy() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e.getMessage() + ")";
        }
    }
}
