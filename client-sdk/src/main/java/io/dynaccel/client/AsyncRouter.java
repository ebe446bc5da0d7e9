package io.dynaccel.client;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbServiceClientConfiguration;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.waiters.DynamoDbAsyncWaiter;

/**
 * The {@link DynamoDbAsyncClient} handed to users: the asynchronous twin of {@link SyncRouter}. Operations
 * ({@code CompletableFuture<XxxResponse> xxx(XxxRequest)}) go to the node the {@link Cluster} picks and are retried
 * once on the next node when safe; default methods (paginators, overloads) run against the proxy.
 */
final class AsyncRouter implements InvocationHandler {

  private final Cluster<DynamoDbAsyncClient> cluster;

  private AsyncRouter(Cluster<DynamoDbAsyncClient> cluster) {
    this.cluster = cluster;
  }

  static DynamoDbAsyncClient proxy(Cluster<DynamoDbAsyncClient> cluster) {
    return (DynamoDbAsyncClient) Proxy.newProxyInstance(DynamoDbAsyncClient.class.getClassLoader(),
        new Class<?>[] {DynamoDbAsyncClient.class}, new AsyncRouter(cluster));
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    DynamoDbAsyncClient self = (DynamoDbAsyncClient) proxy;
    if (isOperation(method)) {
      return call(self, method, (DynamoDbRequest) args[0]);
    }
    switch (method.getName()) {
      case "equals":
        return proxy == args[0];
      case "hashCode":
        return System.identityHashCode(proxy);
      case "toString":
        return "DynaccelAsyncClient" + cluster.endpoints();
      case "serviceName":
        return DynamoDbAsyncClient.SERVICE_NAME;
      case "close":
        cluster.close();
        return null;
      case "waiter":
        // Polls on our scheduler, as the SDK's own client lends its executor to its waiter.
        return DynamoDbAsyncWaiter.builder().client(self).scheduledExecutorService(cluster.scheduler()).build();
      default:
        break;
    }
    if (method.getName().equals("serviceClientConfiguration")
        && method.getReturnType() == DynamoDbServiceClientConfiguration.class) {
      return cluster.anyClient().serviceClientConfiguration();
    }
    if (method.isDefault()) {
      return InvocationHandler.invokeDefault(proxy, method, args);
    }
    throw new UnsupportedOperationException(method.toString());
  }

  static boolean isOperation(Method method) {
    return method.getParameterCount() == 1
        && DynamoDbRequest.class.isAssignableFrom(method.getParameterTypes()[0])
        && method.getReturnType() == CompletableFuture.class;
  }

  private CompletableFuture<Object> call(DynamoDbAsyncClient self, Method method, DynamoDbRequest request) {
    String changing = Requests.tableWithChangingSchema(request);
    if (changing != null) {
      cluster.keySchemas().forget(changing);
    }
    return routingKey(self, request)
        .thenCompose(routingKey -> attempt(method, request, routingKey, cluster.target(routingKey), 0, null));
  }

  /** One attempt on {@code target}; on a node failure, the next as {@link SyncRouter} would make it. */
  private CompletableFuture<Object> attempt(Method method, DynamoDbRequest request, RoutingKey routingKey,
      Cluster.Target<DynamoDbAsyncClient> target, int attempt, Throwable earlier) {
    return invoke(target.client(), method, request).handle((response, failed) -> {
      if (failed == null) {
        return CompletableFuture.completedFuture(response);
      }
      Throwable failure = Failures.unwrap(failed);
      cluster.failed(target, failure);
      if (earlier != null) {
        failure.addSuppressed(earlier);
      }
      if (!Failures.mayRetryElsewhere(failure, Requests.isSafeToRetry(request))) {
        return CompletableFuture.failedFuture(failure);
      }
      Cluster.Target<DynamoDbAsyncClient> next = cluster.retryTarget(routingKey, target);
      if (next == null || attempt == Cluster.MAX_RETRIES && next.node() != null || attempt > Cluster.MAX_RETRIES) {
        return CompletableFuture.failedFuture(failure);
      }
      return attempt(method, request, routingKey, next, attempt + 1, failure);
    }).thenCompose(f -> f);
  }

  private CompletableFuture<RoutingKey> routingKey(DynamoDbAsyncClient self, DynamoDbRequest request) {
    boolean partitioned = cluster.partitioned();
    // PutItem needs the key schema for the ring too; the other calls only for their partition in a cluster.
    String table = request instanceof PutItemRequest put ? put.tableName()
        : partitioned ? RequestPartitions.tableNeedingSchema(request) : null;
    List<String> keyNames = table == null ? null : cluster.keySchemas().keyNames(table);
    if (table == null || keyNames != null) {
      return CompletableFuture.completedFuture(Requests.routingKey(request, keyNames, partitioned));
    }
    return self.describeTable(b -> b.tableName(table)).handle((description, failure) -> Requests.routingKey(request,
        failure != null ? null /* e.g. no such table: any node will say so */ : cluster.keySchemas().learn(table, description),
        partitioned));
  }

  @SuppressWarnings("unchecked")
  private static CompletableFuture<Object> invoke(DynamoDbAsyncClient client, Method method, DynamoDbRequest request) {
    try {
      return (CompletableFuture<Object>) method.invoke(client, request);
    } catch (InvocationTargetException e) {
      return CompletableFuture.failedFuture(e.getCause());
    } catch (IllegalAccessException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
