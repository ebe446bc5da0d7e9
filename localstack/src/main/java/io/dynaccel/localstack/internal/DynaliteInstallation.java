package io.dynaccel.localstack.internal;

import io.dynaccel.localstack.EmulatorStartException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the npm-installed dynalite lives: the {@code localstack} module directory holding its {@code node_modules}. */
public final class DynaliteInstallation {

    /** System property naming the {@code localstack} module directory; overrides the search from the working directory. */
    public static final String HOME_PROPERTY = "dynaccel.dynalite.home";

    private static final Path CLI_SCRIPT = Path.of("node_modules", "dynalite", "cli.js");
    private static final String INSTALL_HINT =
            "install it with `mvn -pl localstack generate-resources` from the repository root (or `npm ci` in localstack/)";

    private final Path cliScript;

    private DynaliteInstallation(Path cliScript) {
        this.cliScript = cliScript;
    }

    /** Finds dynalite from the {@value #HOME_PROPERTY} system property, else upward from {@code user.dir}. */
    public static DynaliteInstallation locate() {
        return locate(System.getProperty(HOME_PROPERTY), Path.of(System.getProperty("user.dir")));
    }

    /**
     * Finds dynalite in {@code configuredHome} when it is set, else in {@code localstack/} of {@code searchFrom} or of
     * the nearest ancestor that has one, so that tests of a sibling module (working directory {@code server/}) find it.
     *
     * @throws EmulatorStartException if dynalite is not installed there
     */
    public static DynaliteInstallation locate(String configuredHome, Path searchFrom) {
        if (configuredHome != null && !configuredHome.isBlank()) {
            Path cli = Path.of(configuredHome).resolve(CLI_SCRIPT).toAbsolutePath().normalize();
            if (!Files.isRegularFile(cli)) {
                throw new EmulatorStartException(HOME_PROPERTY + "=" + configuredHome + " but " + cli
                        + " does not exist; " + INSTALL_HINT);
            }
            return new DynaliteInstallation(cli);
        }
        for (Path dir = searchFrom.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            Path cli = dir.resolve("localstack").resolve(CLI_SCRIPT);
            if (Files.isRegularFile(cli)) {
                return new DynaliteInstallation(cli);
            }
        }
        throw new EmulatorStartException("dynalite is not installed: no localstack/" + CLI_SCRIPT + " in " + searchFrom
                + " or any parent directory; " + INSTALL_HINT + ", or set -D" + HOME_PROPERTY
                + "=<path to the localstack module>");
    }

    /** The absolute path of dynalite's {@code cli.js}, to run with {@code node}. */
    public Path cliScript() {
        return cliScript;
    }
}
