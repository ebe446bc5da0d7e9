package io.dynaccel.localstack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.awaitility.Awaitility;

/**
 * Sends DynamoDB JSON requests with headers that look signed. The emulators check that the SigV4 headers are there
 * but not the signature, so the tests need no AWS SDK.
 */
final class DynamoDbHttp {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private DynamoDbHttp() {
    }

    /** POSTs {@code json} as the DynamoDB operation {@code operation}, e.g. {@code ListTables}. */
    static HttpResponse<String> call(URI endpoint, String region, String operation, String json)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(endpoint.resolve("/"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-amz-json-1.0")
                .header("X-Amz-Target", "DynamoDB_20120810." + operation)
                .header("X-Amz-Date", "20250101T000000Z")
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=test/20250101/" + region
                        + "/dynamodb/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=0000")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> listTables(DynamoDbEmulator emulator) throws IOException, InterruptedException {
        return call(emulator.endpoint(), emulator.region(), "ListTables", "{}");
    }

    static HttpResponse<String> createTable(DynamoDbEmulator emulator, String table)
            throws IOException, InterruptedException {
        return call(emulator.endpoint(), emulator.region(), "CreateTable", "{\"TableName\":\"" + table + "\","
                + "\"AttributeDefinitions\":[{\"AttributeName\":\"pk\",\"AttributeType\":\"S\"}],"
                + "\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"}],"
                + "\"BillingMode\":\"PAY_PER_REQUEST\"}");
    }

    /**
     * Creates {@code table} and waits until it is ACTIVE: like DynamoDB, the emulators accept items only then, and
     * they switch state after CreateTable has returned.
     */
    static void createActiveTable(DynamoDbEmulator emulator, String table) throws IOException, InterruptedException {
        HttpResponse<String> created = createTable(emulator, table);
        if (created.statusCode() != 200) {
            throw new IllegalStateException("CreateTable " + table + " failed: " + created.body());
        }
        Awaitility.await("table " + table + " ACTIVE")
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> call(emulator.endpoint(), emulator.region(), "DescribeTable",
                        "{\"TableName\":\"" + table + "\"}").body().contains("\"TableStatus\":\"ACTIVE\""));
    }

    static HttpResponse<String> putItem(DynamoDbEmulator emulator, String table, String pk, String value)
            throws IOException, InterruptedException {
        return call(emulator.endpoint(), emulator.region(), "PutItem", "{\"TableName\":\"" + table + "\","
                + "\"Item\":{\"pk\":{\"S\":\"" + pk + "\"},\"value\":{\"S\":\"" + value + "\"}}}");
    }

    static HttpResponse<String> getItem(DynamoDbEmulator emulator, String table, String pk)
            throws IOException, InterruptedException {
        return call(emulator.endpoint(), emulator.region(), "GetItem", "{\"TableName\":\"" + table + "\","
                + "\"Key\":{\"pk\":{\"S\":\"" + pk + "\"}},\"ConsistentRead\":true}");
    }
}
