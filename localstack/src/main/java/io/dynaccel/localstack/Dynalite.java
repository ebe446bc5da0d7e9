package io.dynaccel.localstack;

import io.dynaccel.localstack.internal.DynaliteInstallation;
import io.dynaccel.localstack.internal.DynaliteProcess;
import io.dynaccel.localstack.internal.LoopbackPorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * <a href="https://github.com/architect/dynalite">dynalite</a>, a DynamoDB implementation on Node.js and LevelDB,
 * run as a child process on 127.0.0.1. Needs {@code node} on the PATH and the npm install that the
 * {@code localstack} module's build performs.
 *
 * <p>Tables live in a temporary directory, so they survive {@link #stop()} and {@link #start()}; {@link #close()}
 * deletes it. The process output is appended to {@code target/dynalite/dynalite-<port>.log} when the working
 * directory has a {@code target/} directory (a Maven build), else to a file in the temporary directory. A JVM
 * shutdown hook closes the instance, so no dynalite outlives the JVM that started it.
 */
public final class Dynalite implements DynamoDbEmulator {

    private static final String REGION = "us-east-1";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final DynaliteInstallation installation;
    private final int port;
    private final Thread shutdownHook = new Thread(this::releaseAtJvmExit, "dynalite-shutdown");

    // Volatile because the shutdown hook reads them without the lock: start() may hold it while the JVM exits.
    private volatile Path workDirectory;
    private volatile DynaliteProcess process;
    private boolean closed;

    /**
     * A dynalite that will listen on {@code port} of 127.0.0.1 once started.
     *
     * @throws EmulatorStartException if dynalite is not installed (see {@link DynaliteInstallation#locate()})
     */
    public Dynalite(int port) {
        this.installation = DynaliteInstallation.locate();
        this.port = port;
    }

    /** A dynalite on a port that is free now; the port stays the same across {@link #stop()} and {@link #start()}. */
    public static Dynalite onFreePort() {
        return new Dynalite(LoopbackPorts.findFree());
    }

    @Override
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("dynalite on port " + port + " was closed");
        }
        if (isRunning()) {
            return;
        }
        if (workDirectory == null) {
            workDirectory = createWorkDirectory();
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
        DynaliteProcess launched = DynaliteProcess.launch(installation, port, workDirectory.resolve("data"), logFile());
        process = launched;
        try {
            launched.awaitReady(START_TIMEOUT);
        } catch (EmulatorStartException e) {
            process = null;
            throw e;
        }
    }

    @Override
    public synchronized void stop() {
        DynaliteProcess running = process;
        if (running != null) {
            running.destroy();
            process = null;
        }
    }

    @Override
    public boolean isRunning() {
        DynaliteProcess running = process;
        return running != null && running.isAlive();
    }

    @Override
    public URI endpoint() {
        return URI.create("http://" + DynaliteProcess.HOST + ":" + port);
    }

    @Override
    public String region() {
        return REGION;
    }

    /** The port on 127.0.0.1 that dynalite listens on. */
    public int port() {
        return port;
    }

    /**
     * Blocks until the dynalite process exits, because it crashed or because {@link #stop()} or {@link #close()}
     * ended it, and returns its exit code.
     *
     * @throws IllegalStateException if it is not started
     */
    public int waitFor() throws InterruptedException {
        DynaliteProcess running = process;
        if (running == null) {
            throw new IllegalStateException("dynalite on port " + port + " is not started");
        }
        return running.waitFor();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stop();
        if (workDirectory != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException jvmAlreadyExiting) {
                // The hook is running or about to: it does the same cleanup.
            }
            deleteRecursively(workDirectory);
        }
    }

    @Override
    public String toString() {
        return "Dynalite[" + endpoint() + "]";
    }

    private void releaseAtJvmExit() {
        DynaliteProcess running = process;
        if (running != null) {
            running.destroy();
        }
        deleteRecursively(workDirectory);
    }

    private Path logFile() {
        Path buildDirectory = Path.of(System.getProperty("user.dir"), "target");
        Path directory = Files.isDirectory(buildDirectory) ? buildDirectory.resolve("dynalite") : workDirectory;
        return directory.resolve("dynalite-" + port + ".log");
    }

    private Path createWorkDirectory() {
        try {
            return Files.createTempDirectory("dynaccel-dynalite-" + port + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for dynalite", e);
        }
    }

    private static void deleteRecursively(Path directory) {
        if (directory == null || !Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete dynalite's data in " + directory, e);
        }
    }
}
