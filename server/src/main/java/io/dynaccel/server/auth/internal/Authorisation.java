package io.dynaccel.server.auth.internal;

import io.dynaccel.server.protocol.ApiRequest;
import io.dynaccel.server.protocol.DynamoDbException;

/**
 * Checks a verified caller's rules against every resource a call touches, and refuses the first one no
 * rule allows with DynamoDB's {@code AccessDeniedException} and IAM's wording.
 */
public final class Authorisation {

  private final String accountId;

  /** Creates the check; {@code accountId} is named in the ARNs of its messages. */
  public Authorisation(String accountId) {
    this.accountId = accountId;
  }

  /** Returns if every resource is allowed; throws DynamoDB's error for the first that is not. */
  public void check(Caller caller, ApiRequest request) {
    Permissions permissions = caller.principal().permissions();
    for (Resource resource : RequestResources.of(request)) {
      if (!permissions.allows(resource.action(), resource.table())) {
        String arn = resource.table().equals(Permissions.ANY_RESOURCE)
            ? Permissions.ANY_RESOURCE
            : "arn:aws:dynamodb:" + caller.region() + ":" + accountId + ":" + resource.arnPath();
        throw DynamoDbException.accessDenied("User: " + caller.principal().userArn() + " is not authorized to perform: dynamodb:"
            + resource.action() + " on resource: " + arn + " because no identity-based policy allows the dynamodb:"
            + resource.action() + " action");
      }
    }
  }
}
