package io.dynaccel.server.cluster;

import java.time.Duration;

/**
 * How a node treats a partition it has just taken over, while writes begun under the previous owner may
 * still be landing in DynamoDB.
 *
 * @param consistentFills how long its fills read consistently: the upstream request timeout plus
 *     DynamoDB's read lag, for writes the previous owner executed or acknowledged
 * @param uncachedAfterDeparture how long, after taking it from a member that left without handing it
 *     over, nothing of it is cached at all: that member's guards for other members' writes are gone with
 *     it, and those writes may land until the longest a caller's upstream call can take
 */
public record Takeover(Duration consistentFills, Duration uncachedAfterDeparture) {
}
