package io.dynaccel.server.cluster;

import java.net.URI;

/**
 * A member of the cluster as other members and clients see it.
 *
 * @param id the Hazelcast member id, stable for the life of the process
 * @param api the member's DynamoDB API endpoint, where forwarded calls and client calls go
 */
public record NodeInfo(String id, URI api) {
}
