package io.dynaccel.localstack;

import java.io.PrintStream;

/**
 * Runs dynalite in the foreground until the JVM is stopped (Ctrl-C) or dynalite exits, for local development.
 *
 * <pre>
 * java -cp localstack/target/classes io.dynaccel.localstack.DynaliteMain [--port 4567]
 * </pre>
 *
 * <p>Tables are kept in a temporary directory that is deleted on exit.
 */
public final class DynaliteMain {

    private static final int DEFAULT_PORT = 4567;

    private DynaliteMain() {
    }

    /**
     * Starts dynalite on {@code --port N} (default {@value #DEFAULT_PORT}) of 127.0.0.1 and waits for it to exit.
     *
     * @param args {@code [--port N]}
     */
    public static void main(String[] args) throws InterruptedException {
        int port;
        try {
            port = parsePort(args);
        } catch (IllegalArgumentException e) {
            usage(System.err, e.getMessage());
            System.exit(2);
            return;
        }
        Dynalite dynalite = new Dynalite(port);
        dynalite.start();
        System.out.println("dynalite (DynamoDB) listening at " + dynalite.endpoint() + " in region "
                + dynalite.region() + "; press Ctrl-C to stop");
        int exitCode = dynalite.waitFor();
        // Dynalite's shutdown hook deletes the data on exit. Serving is meant to last until the user stops it, so a
        // dynalite that exits by itself, even with 0, is a failure.
        System.err.println("dynalite stopped (exit code " + exitCode + ")");
        System.exit(exitCode == 0 ? 1 : exitCode);
    }

    private static int parsePort(String[] args) {
        if (args.length == 0) {
            return DEFAULT_PORT;
        }
        if (args.length != 2 || !args[0].equals("--port")) {
            throw new IllegalArgumentException("unexpected arguments: " + String.join(" ", args));
        }
        try {
            int port = Integer.parseInt(args[1]);
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a port number: " + args[1]);
        }
    }

    private static void usage(PrintStream out, String problem) {
        out.println(problem);
        out.println("usage: DynaliteMain [--port N]   (default port " + DEFAULT_PORT + ")");
    }
}
