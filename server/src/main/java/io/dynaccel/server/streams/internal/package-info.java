/** The AWS SDK behind {@link io.dynaccel.server.streams.StreamsApi}. */
package io.dynaccel.server.streams.internal;
