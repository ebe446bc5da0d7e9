package io.dynaccel.server.read;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Projection shapes that DynamoDB has accepted. The cache answers a projected read only once a read
 * with the same projection members went to DynamoDB and succeeded: our projection parser is strict,
 * and this is a second guard against answering a request that DynamoDB would have rejected.
 */
public final class ProjectionShapes {

  // Maintenance on the caller rather than a ForkJoinPool thread woken for it.
  private final Cache<String, Boolean> accepted = Caffeine.newBuilder().executor(Runnable::run).maximumSize(10_000).build();

  /** Whether DynamoDB accepted a read with this shape; a null shape (no projection) always is. */
  public boolean isAccepted(String shape) {
    return shape == null || accepted.getIfPresent(shape) != null;
  }

  /** Records that DynamoDB accepted a read with this shape. */
  public void accept(String shape) {
    if (shape != null) {
      accepted.put(shape, Boolean.TRUE);
    }
  }
}
