package io.dynaccel.localstack;

import java.net.URI;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that gives a test class its own DynamoDB emulator.
 *
 * <pre>{@code
 * @RegisterExtension
 * static DynamoDbEmulatorExtension upstream = new DynamoDbEmulatorExtension();
 *
 * @Test
 * void something() {
 *     DynamoDbClient client = DynamoDbClient.builder().endpointOverride(upstream.endpoint())...
 * }
 * }</pre>
 *
 * <p>On a static field the emulator starts before the first test and is closed after the last; on an instance field
 * each test gets a fresh one. Every field is a separate emulator with its own endpoint and tables, so a differential
 * test declares two. A test may {@link DynamoDbEmulator#stop() stop} the emulator to see how a client copes; the
 * extension starts it again before the next test.
 */
public final class DynamoDbEmulatorExtension
        implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {

    private final Supplier<? extends DynamoDbEmulator> factory;
    private DynamoDbEmulator emulator;
    private boolean startedForOneTest;
    // @Nested classes call beforeAll/afterAll again; the emulator lives until the outermost class is done.
    private int classDepth;

    /** An extension running the emulator that {@link DynamoDbEmulators#create()} picks. */
    public DynamoDbEmulatorExtension() {
        this(DynamoDbEmulators::create);
    }

    /**
     * An extension running emulators made by {@code factory}, for example {@code Dynalite::onFreePort}.
     *
     * @param factory makes an emulator that is not started yet
     */
    public DynamoDbEmulatorExtension(Supplier<? extends DynamoDbEmulator> factory) {
        this.factory = factory;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (classDepth++ == 0) {
            emulator = startNew();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (emulator == null) {
            emulator = startNew();
            startedForOneTest = true;
        } else if (!emulator.isRunning()) {
            emulator.start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (startedForOneTest) {
            closeEmulator();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (--classDepth == 0) {
            closeEmulator();
        }
    }

    /**
     * The running emulator, to stop and start it or read its region.
     *
     * @throws IllegalStateException outside the tests of the class that registered this extension
     */
    public DynamoDbEmulator emulator() {
        if (emulator == null) {
            throw new IllegalStateException("no emulator: DynamoDbEmulatorExtension provides one only while the tests"
                    + " of the class that registers it with @RegisterExtension run");
        }
        return emulator;
    }

    /** Shorthand for {@code emulator().endpoint()}. */
    public URI endpoint() {
        return emulator().endpoint();
    }

    private DynamoDbEmulator startNew() {
        return DynamoDbEmulators.started(factory.get());
    }

    private void closeEmulator() {
        if (emulator != null) {
            emulator.close();
            emulator = null;
            startedForOneTest = false;
        }
    }
}
