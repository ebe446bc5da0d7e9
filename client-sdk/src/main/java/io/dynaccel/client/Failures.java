package io.dynaccel.client;

import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/** Reads a failed call: did the node fail (so it is marked down), and did the request never reach it. */
final class Failures {

  private Failures() {
  }

  /**
   * Whether the failure is the node's (refused, reset, timed out) rather than an answer: a DynamoDB error passed on
   * by the node, even a 5xx, says the node is up.
   */
  static boolean isNodeFailure(Throwable failure) {
    Throwable t = unwrap(failure);
    if (t instanceof SdkServiceException) {
      return false;
    }
    if (t instanceof ApiCallTimeoutException || t instanceof ApiCallAttemptTimeoutException) {
      return true;
    }
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof IOException) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the request cannot have reached the node: the connection was refused or never established. Such a
   * request is safe to send elsewhere, write or not.
   */
  static boolean neverReached(Throwable failure) {
    for (Throwable c = unwrap(failure); c != null; c = c.getCause()) {
      // Apache's ConnectTimeoutException is a SocketTimeoutException, Netty's a ConnectException.
      if (c instanceof ConnectException || c.getClass().getSimpleName().equals("ConnectTimeoutException")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether a request that failed so may be sent to another node, given whether it is safe to send twice: after a
   * node failure if it never reached the node or is safe; after a 5xx answer (the node's own internal error, as when
   * it is shutting down, or DynamoDB's, already retried by the SDK) if it is safe.
   */
  static boolean mayRetryElsewhere(Throwable failure, boolean safeToRepeat) {
    if (isNodeFailure(failure)) {
      return safeToRepeat || neverReached(failure);
    }
    return safeToRepeat && unwrap(failure) instanceof SdkServiceException service && service.statusCode() >= 500;
  }

  static Throwable unwrap(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
