package io.dynaccel.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

class FailuresTest {

  private static SdkClientException clientFailure(Throwable cause) {
    return SdkClientException.builder().message("Unable to execute HTTP request").cause(cause).build();
  }

  @Test
  void isNodeFailure_connectionRefused_trueAndNeverReached() {
    SdkClientException refused = clientFailure(new ConnectException("Connection refused"));

    assertThat(Failures.isNodeFailure(refused)).isTrue();
    assertThat(Failures.neverReached(refused)).isTrue();
    assertThat(Failures.neverReached(new CompletionException(refused))).isTrue();
  }

  @Test
  void isNodeFailure_readTimeoutOrReset_trueButMayHaveReached() {
    SdkClientException timeout = clientFailure(new SocketTimeoutException("Read timed out"));
    SdkClientException reset = clientFailure(new IOException("Connection reset"));

    assertThat(Failures.isNodeFailure(timeout)).isTrue();
    assertThat(Failures.isNodeFailure(reset)).isTrue();
    assertThat(Failures.neverReached(timeout)).isFalse();
    assertThat(Failures.neverReached(reset)).isFalse();
  }

  @Test
  void isNodeFailure_attemptTimeout_true() {
    assertThat(Failures.isNodeFailure(new CompletionException(ApiCallAttemptTimeoutException.create(3000)))).isTrue();
  }

  @Test
  void isNodeFailure_dynamoDbError_false() {
    DynamoDbException error = (DynamoDbException) DynamoDbException.builder().statusCode(500).message("upstream slow").build();

    assertThat(Failures.isNodeFailure(error)).isFalse();
    assertThat(Failures.isNodeFailure(clientFailure(null))).isFalse();
  }
}
