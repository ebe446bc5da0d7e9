/**
 * A real DynamoDB over HTTP for integration tests and local development: {@link io.dynaccel.localstack.Dynalite}
 * (Node.js, no Docker needed) or {@link io.dynaccel.localstack.LocalStackEmulator} (Docker), behind the
 * {@link io.dynaccel.localstack.DynamoDbEmulator} interface. Tests usually register a
 * {@link io.dynaccel.localstack.DynamoDbEmulatorExtension}; {@link io.dynaccel.localstack.DynamoDbEmulators} picks
 * the implementation for the machine.
 */
package io.dynaccel.localstack;
