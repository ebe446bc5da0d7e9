package io.dynaccel.localstack;

/** Thrown when a {@link DynamoDbEmulator} cannot be started; the message says why and what to do about it. */
public final class EmulatorStartException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong and how to fix it
     */
    public EmulatorStartException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong and how to fix it
     * @param cause the underlying failure
     */
    public EmulatorStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
