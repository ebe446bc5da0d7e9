package io.dynaccel.server.protocol;

import io.vertx.core.buffer.Buffer;

/**
 * An error answered to the client in DynamoDB's own shape: an HTTP status and a JSON body with
 * {@code __type} and {@code message}.
 *
 * <p>Thrown anywhere on the request path and turned into a response in exactly one place, so that
 * every failure the accelerator produces itself looks like one DynamoDB would produce.
 */
public final class DynamoDbException extends RuntimeException {

  /** Prefix of errors raised by DynamoDB's request-handling framework (serialization, signing). */
  public static final String CORAL_SERVICE = "com.amazon.coral.service#";
  /** Prefix of input validation errors. */
  public static final String CORAL_VALIDATE = "com.amazon.coral.validate#";
  /** Prefix of errors raised by the DynamoDB service itself. */
  public static final String DYNAMODB = "com.amazonaws.dynamodb.v20120810#";

  private final String type;
  private final int statusCode;
  private final String messageKey;

  private DynamoDbException(String type, String message, int statusCode, String messageKey) {
    super(message, null, false, false);
    this.type = type;
    this.statusCode = statusCode;
    this.messageKey = messageKey;
  }

  /** A {@code ValidationException} (HTTP 400) with the given message. */
  public static DynamoDbException validation(String message) {
    return new DynamoDbException(CORAL_VALIDATE + "ValidationException", message, 400, "message");
  }

  /**
   * A {@code SerializationException} (HTTP 400). DynamoDB spells the message member
   * {@code Message} for this error; a null message omits it, as DynamoDB does for unparseable JSON.
   */
  public static DynamoDbException serialization(String message) {
    return new DynamoDbException(CORAL_SERVICE + "SerializationException", message, 400, "Message");
  }

  /** An {@code UnknownOperationException} (HTTP 400), which DynamoDB sends without a message. */
  public static DynamoDbException unknownOperation() {
    return new DynamoDbException(CORAL_SERVICE + "UnknownOperationException", null, 400, "message");
  }

  /** A {@code MissingAuthenticationTokenException} (HTTP 400): the call carries no AWS signature at all. */
  public static DynamoDbException missingAuthenticationToken() {
    return new DynamoDbException(CORAL_SERVICE + "MissingAuthenticationTokenException", "Request is missing Authentication Token", 400, "message");
  }

  /** An {@code IncompleteSignatureException} (HTTP 400): the signature lacks parts DynamoDB names in the message. */
  public static DynamoDbException incompleteSignature(String message) {
    return new DynamoDbException(CORAL_SERVICE + "IncompleteSignatureException", message, 400, "message");
  }

  /** An {@code InvalidSignatureException} (HTTP 400) with the given message. */
  public static DynamoDbException invalidSignature(String message) {
    return new DynamoDbException(CORAL_SERVICE + "InvalidSignatureException", message, 400, "message");
  }

  /** An {@code UnrecognizedClientException} (HTTP 400): an unknown access key, or a session token that is not its own. */
  public static DynamoDbException unrecognizedClient() {
    return new DynamoDbException(CORAL_SERVICE + "UnrecognizedClientException", "The security token included in the request is invalid.", 400, "message");
  }

  /** An {@code AccessDeniedException} (HTTP 400): no rule of the caller allows the action on the resource. */
  public static DynamoDbException accessDenied(String message) {
    return new DynamoDbException(CORAL_SERVICE + "AccessDeniedException", message, 400, "message");
  }

  /** A {@code ConditionalCheckFailedException} (HTTP 400) with the given message. */
  public static DynamoDbException conditionalCheckFailed(String message) {
    return new DynamoDbException(DYNAMODB + "ConditionalCheckFailedException", message, 400, "message");
  }

  /** An {@code InternalServerError} (HTTP 500) with the given message. */
  public static DynamoDbException internal(String message) {
    return new DynamoDbException(DYNAMODB + "InternalServerError", message, 500, "message");
  }

  /** DynamoDB's {@code ThrottlingException} (HTTP 400), which every AWS SDK retries with backoff. */
  public static DynamoDbException throttling() {
    return new DynamoDbException("com.amazon.coral.availability#ThrottlingException", "Rate of requests exceeds the allowed throughput.", 400, "message");
  }

  /** A {@code ServiceUnavailable} (HTTP 503) with the given message. */
  public static DynamoDbException unavailable(String message) {
    return new DynamoDbException(CORAL_SERVICE + "ServiceUnavailableException", message, 503, "message");
  }

  /** The fully qualified {@code __type}, e.g. {@code com.amazon.coral.validate#ValidationException}. */
  public String type() {
    return type;
  }

  /** The HTTP status to answer with. */
  public int statusCode() {
    return statusCode;
  }

  /** The JSON member that carries the message: {@code message}, or {@code Message} for serialization errors. */
  public String messageKey() {
    return messageKey;
  }

  /** The {@code __type} an error answer's body names, or "" if it names none (or is no JSON). */
  public static String typeIn(Buffer body) {
    try {
      return JsonCodec.read(body.getBytes()).path("__type").asText();
    } catch (RuntimeException e) {
      return "";
    }
  }
}
