package io.dynaccel.client;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbServiceClientConfiguration;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbRequest;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.waiters.DynamoDbWaiter;

/**
 * The {@link DynamoDbClient} handed to users: a proxy whose every operation ({@code XxxResponse xxx(XxxRequest)})
 * is sent to the node the {@link Cluster} picks, through that node's own SDK client, and retried once on the next
 * node when that is safe. Every other method (consumer-builder overloads, paginators, no-argument forms) is the
 * interface's default method run against the proxy, so it ends up in the routed operations too.
 */
final class SyncRouter implements InvocationHandler {

  private final Cluster<DynamoDbClient> cluster;

  private SyncRouter(Cluster<DynamoDbClient> cluster) {
    this.cluster = cluster;
  }

  static DynamoDbClient proxy(Cluster<DynamoDbClient> cluster) {
    return (DynamoDbClient) Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(),
        new Class<?>[] {DynamoDbClient.class}, new SyncRouter(cluster));
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    DynamoDbClient self = (DynamoDbClient) proxy;
    if (isOperation(method)) {
      return call(self, method, (DynamoDbRequest) args[0]);
    }
    switch (method.getName()) {
      case "equals":
        return proxy == args[0];
      case "hashCode":
        return System.identityHashCode(proxy);
      case "toString":
        return "DynaccelClient" + cluster.endpoints();
      case "serviceName":
        return DynamoDbClient.SERVICE_NAME;
      case "close":
        cluster.close();
        return null;
      case "waiter":
        return DynamoDbWaiter.builder().client(self).build();
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
        && DynamoDbResponse.class.isAssignableFrom(method.getReturnType());
  }

  private Object call(DynamoDbClient self, Method method, DynamoDbRequest request) {
    String changing = Requests.tableWithChangingSchema(request);
    if (changing != null) {
      cluster.keySchemas().forget(changing);
    }
    RoutingKey routingKey = routingKey(self, request);
    Cluster.Target<DynamoDbClient> target = cluster.target(routingKey);
    RuntimeException failures = null;
    for (int attempt = 0; ; attempt++) {
      try {
        return invoke(target.client(), method, request);
      } catch (RuntimeException failure) {
        cluster.failed(target, failure);
        if (failures != null) {
          failure.addSuppressed(failures);
        }
        failures = failure;
        if (!Failures.mayRetryElsewhere(failure, Requests.isSafeToRetry(request))) {
          throw failure;
        }
        target = cluster.retryTarget(routingKey, target);
        // One retry on another node; a third attempt only on the fallback, once the retry found every node down.
        if (target == null || attempt == Cluster.MAX_RETRIES && target.node() != null || attempt > Cluster.MAX_RETRIES) {
          throw failure;
        }
      }
    }
  }

  private RoutingKey routingKey(DynamoDbClient self, DynamoDbRequest request) {
    boolean partitioned = cluster.partitioned();
    // PutItem needs the key schema for the ring too; the other calls only for their partition in a cluster.
    String table = request instanceof PutItemRequest put ? put.tableName()
        : partitioned ? RequestPartitions.tableNeedingSchema(request) : null;
    List<String> keyNames = table == null ? null : cluster.keySchemas().keyNames(table);
    if (table != null && keyNames == null) {
      try {
        keyNames = cluster.keySchemas().learn(table, self.describeTable(b -> b.tableName(table)));
      } catch (SdkException e) {
        // e.g. no such table: any node will say so
      }
    }
    return Requests.routingKey(request, keyNames, partitioned);
  }

  private static Object invoke(DynamoDbClient client, Method method, DynamoDbRequest request) {
    try {
      return method.invoke(client, request);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(cause);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }
}
