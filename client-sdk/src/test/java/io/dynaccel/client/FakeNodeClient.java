package io.dynaccel.client;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbRequest;

/** A node's SDK client faked: answers every operation with a function, records what it received. */
final class FakeNodeClient {

  final URI endpoint;
  final List<DynamoDbRequest> received = new CopyOnWriteArrayList<>();
  volatile Function<DynamoDbRequest, Object> answer;
  volatile boolean closed;

  FakeNodeClient(String endpoint, Function<DynamoDbRequest, Object> answer) {
    this.endpoint = URI.create(endpoint);
    this.answer = answer;
  }

  /** Operations received, e.g. {@code [GetItem, PutItem]}. */
  List<String> operations() {
    return received.stream().map(Requests::operation).toList();
  }

  DynamoDbClient sync() {
    return (DynamoDbClient) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DynamoDbClient.class},
        handler(false));
  }

  DynamoDbAsyncClient async() {
    return (DynamoDbAsyncClient) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {DynamoDbAsyncClient.class}, handler(true));
  }

  private InvocationHandler handler(boolean async) {
    return (proxy, method, args) -> {
      switch (method.getName()) {
        case "close":
          closed = true;
          return null;
        case "serviceName":
          return "dynamodb";
        case "toString":
          return "fake " + endpoint;
        case "hashCode":
          return System.identityHashCode(proxy);
        case "equals":
          return proxy == args[0];
        default:
          break;
      }
      if (args != null && args.length == 1 && args[0] instanceof DynamoDbRequest request) {
        received.add(request);
        if (!async) {
          Object result = answer.apply(request);
          if (result instanceof RuntimeException e) {
            throw e;
          }
          return result;
        }
        Object result = answer.apply(request);
        return result instanceof Throwable t ? CompletableFuture.failedFuture(t) : CompletableFuture.completedFuture(result);
      }
      return InvocationHandler.invokeDefault(proxy, method, args);
    };
  }
}
