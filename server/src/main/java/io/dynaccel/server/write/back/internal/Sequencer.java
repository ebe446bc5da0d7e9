package io.dynaccel.server.write.back.internal;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import java.util.function.Supplier;

/**
 * The one Vert.x context that owns all write-back state: every change to it runs here, in order,
 * so the state needs no locks and a key's writes are evaluated strictly one after another.
 */
public final class Sequencer {

  private final Context context;

  /** Confines state to {@code context}. */
  public Sequencer(Context context) {
    this.context = context;
  }

  /** Runs {@code task} on the context, after everything queued there before it. */
  public void run(Runnable task) {
    context.runOnContext(v -> task.run());
  }

  /** Runs {@code work} on the context; its future's outcome is the returned one. */
  public <T> Future<T> call(Supplier<Future<T>> work) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> {
      try {
        work.get().onComplete(promise);
      } catch (RuntimeException e) {
        promise.fail(e);
      }
    });
    return promise.future();
  }

  /** A handler that runs {@code handler} on the context, whichever thread completes the future. */
  public <T> Handler<AsyncResult<T>> then(Handler<AsyncResult<T>> handler) {
    return result -> context.runOnContext(v -> handler.handle(result));
  }
}
