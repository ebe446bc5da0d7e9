package io.dynaccel.server.streams;

import io.dynaccel.server.streams.StreamMeters.ErrorKind;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.LimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;

/** What a failed DynamoDB Streams call means to the follower. */
final class StreamErrors {

  private StreamErrors() {
  }

  static Throwable unwrap(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  static ErrorKind kindOf(Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof ExpiredIteratorException) {
      return ErrorKind.EXPIRED_ITERATOR;
    }
    if (cause instanceof TrimmedDataAccessException) {
      return ErrorKind.TRIMMED;
    }
    if (cause instanceof LimitExceededException
        || (cause instanceof AwsServiceException service && (service.isThrottlingException() || service.statusCode() == 429))) {
      return ErrorKind.THROTTLED;
    }
    return ErrorKind.FAILED;
  }

  /** The error's type and status, never a message that might quote a key. */
  static String describe(Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof AwsServiceException service && service.awsErrorDetails() != null) {
      return service.awsErrorDetails().errorCode() + ", status " + service.statusCode();
    }
    return cause.getClass().getSimpleName();
  }
}
