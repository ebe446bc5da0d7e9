package io.dynaccel.server.it.conformance;

/**
 * One request of the conformance corpus.
 *
 * @param id stable name of the case, unique in the corpus: {@code family/operation/what}
 * @param family the kind of check the case exercises, such as {@code wrong-type} or {@code table-name}
 * @param operation the DynamoDB operation named in {@code X-Amz-Target}
 * @param request the exact request body, which need not be valid JSON
 */
public record ConformanceCase(String id, String family, String operation, String request) {
}
