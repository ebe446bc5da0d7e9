package io.dynaccel.server.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback HTTP proxy in front of dynalite that gives it the two write operations it lacks, so the
 * cluster tests can write through them: dynalite answers TransactWriteItems and ExecuteStatement with
 * UnknownOperationException, where DynamoDB applies them. A TransactWriteItems becomes its Put, Update
 * and Delete items one after another (not atomically: the tests' transactions touch one item); an
 * ExecuteStatement of the one shape {@code UPDATE "T" SET a='x' WHERE k='y'} becomes an UpdateItem.
 * Everything else is forwarded unchanged, with the node's own headers.
 */
final class TransactingProxy implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PREFIX = "DynamoDB_20120810.";
  private static final Pattern UPDATE = Pattern.compile(
      "^\\s*UPDATE\\s+\"([^\"]+)\"\\s+SET\\s+(\\w+)\\s*=\\s*'([^']*)'\\s+WHERE\\s+(\\w+)\\s*=\\s*'([^']*)'\\s*$", Pattern.CASE_INSENSITIVE);
  private static final List<String> FORWARDED_HEADERS = List.of("Authorization", "X-Amz-Date", "X-Amz-Security-Token", "Content-Type");

  private final HttpServer server;
  private final ExecutorService threads;
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
  private final URI upstream;

  private TransactingProxy(URI upstream) throws IOException {
    this.upstream = upstream;
    this.threads = Executors.newFixedThreadPool(8);
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(threads);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Starts the proxy on a free loopback port in front of {@code upstream}. */
  static TransactingProxy start(URI upstream) throws IOException {
    return new TransactingProxy(upstream);
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
      Answer answer;
      if ((PREFIX + "TransactWriteItems").equals(target)) {
        answer = transact(exchange, (ObjectNode) JSON.readTree(body));
      } else if ((PREFIX + "ExecuteStatement").equals(target)) {
        answer = statement(exchange, (ObjectNode) JSON.readTree(body));
      } else {
        answer = send(exchange, target == null ? null : target.substring(PREFIX.length()), body);
      }
      exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
      exchange.sendResponseHeaders(answer.status(), answer.body().length);
      exchange.getResponseBody().write(answer.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Answer transact(HttpExchange exchange, ObjectNode request) throws IOException, InterruptedException {
    for (JsonNode item : request.path("TransactItems")) {
      Iterator<Map.Entry<String, JsonNode>> fields = item.fields();
      Map.Entry<String, JsonNode> write = fields.next();
      String operation = switch (write.getKey()) {
        case "Put" -> "PutItem";
        case "Update" -> "UpdateItem";
        case "Delete" -> "DeleteItem";
        default -> null;
      };
      if (operation == null) {
        continue; // a ConditionCheck: the tests' transactions have none
      }
      Answer answer = send(exchange, operation, JSON.writeValueAsBytes(write.getValue()));
      if (answer.status() != 200) {
        return answer;
      }
    }
    return new Answer(200, "{}".getBytes(StandardCharsets.UTF_8));
  }

  private Answer statement(HttpExchange exchange, ObjectNode request) throws IOException, InterruptedException {
    Matcher update = UPDATE.matcher(request.path("Statement").asText());
    if (!update.matches()) {
      return new Answer(400, ("{\"__type\":\"com.amazon.coral.validate#ValidationException\",\"message\":\"TransactingProxy translates only"
          + " UPDATE \\\"T\\\" SET a='x' WHERE k='y'\"}").getBytes(StandardCharsets.UTF_8));
    }
    ObjectNode item = JSON.createObjectNode().put("TableName", update.group(1)).put("UpdateExpression", "SET #a = :v");
    item.putObject("Key").putObject(update.group(4)).put("S", update.group(5));
    item.putObject("ExpressionAttributeNames").put("#a", update.group(2));
    item.putObject("ExpressionAttributeValues").putObject(":v").put("S", update.group(3));
    Answer answer = send(exchange, "UpdateItem", JSON.writeValueAsBytes(item));
    return answer.status() == 200 ? new Answer(200, "{\"Items\":[]}".getBytes(StandardCharsets.UTF_8)) : answer;
  }

  private Answer send(HttpExchange exchange, String operation, byte[] body) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(upstream.resolve("/")).timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (operation != null) {
      request.header("X-Amz-Target", PREFIX + operation);
    }
    for (String header : FORWARDED_HEADERS) {
      String value = exchange.getRequestHeaders().getFirst(header);
      if (value != null) {
        request.header(header, value);
      }
    }
    HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    return new Answer(response.statusCode(), response.body());
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }

  private record Answer(int status, byte[] body) {}
}
