/**
 * Drop-in {@code DynamoDbClient} and {@code DynamoDbAsyncClient} implementations over a fleet of Dynaccel nodes:
 * {@link io.dynaccel.client.DynaccelClient} and {@link io.dynaccel.client.DynaccelAsyncClient}.
 */
package io.dynaccel.client;
