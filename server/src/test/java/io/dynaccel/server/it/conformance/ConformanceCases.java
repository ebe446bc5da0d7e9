package io.dynaccel.server.it.conformance;

import static io.dynaccel.server.it.conformance.ConformanceTables.ABSENT;
import static io.dynaccel.server.it.conformance.ConformanceTables.ARN_PREFIX;
import static io.dynaccel.server.it.conformance.ConformanceTables.HASH;
import static io.dynaccel.server.it.conformance.ConformanceTables.ITEM_A;
import static io.dynaccel.server.it.conformance.ConformanceTables.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Generates the conformance cases, family by family, in the order they are sent.
 *
 * <p>Every case runs against the tables of {@link ConformanceTables}, and the replay sends the whole list twice, so a
 * case must leave those tables as it found them, or change only what no later case reads. Failing requests change
 * nothing; the valid writes put back exactly the values that are there ({@link ConformanceTables#ITEM_A}), delete keys
 * that do not exist, write the key {@code id = scratch} of {@code conf_hash}, which no case reads, or write the same
 * item to a key that only later cases read ({@code long-name}, {@code deep}); no case scans {@code conf_hash}. The one
 * table a case creates ({@code conf_life}) is deleted by the last case. The recorder sends the list twice as well and
 * refuses to write a corpus in which the two passes differ.
 *
 * <p>Left out on purpose, because dynalite departs from DynamoDB there and the corpus would pin dynalite's answer:
 * JSON null elements (dynalite crashes on most of them and accepts the rest), an empty string as a secondary index
 * key, streams, tag constraints and the members listed at {@link Shape} (dynalite ignores them), and nesting deeper
 * than 32 levels (dynalite does not check it). Table ARNs are in, as dynalite answers them: it refuses every ARN as a table name, where DynamoDB accepts
 * one; the corpus uses only another account's ARN, which DynamoDB would refuse too, though with another message.
 */
public final class ConformanceCases {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KEY_A = json("{'id':{'S':'a'}}");
  private static final String SCRATCH = json("{'id':{'S':'scratch'}}");
  private static final String FOREIGN_ARN = "arn:aws:dynamodb:eu-west-1:123456789012:table/conf_hash";
  private static final String LONG_NAME = "x".repeat(256);

  /** The kinds of JSON value a member of a DynamoDB request has, each with values of every other kind. */
  private enum Kind {
    STRING("true", "12", "{'a':'b'}"),
    INTEGER("'5'", "true", "{'a':1}"),
    BOOLEAN("'maybe'", "1", "{'a':true}"),
    LIST("'x'", "1", "{'a':1}"),
    MAP("'x'", "1", "['x']");

    private final List<String> wrongValues;

    Kind(String... wrongValues) {
      this.wrongValues = List.of(wrongValues);
    }
  }

  private final List<ConformanceCase> cases = new ArrayList<>();
  private final Set<String> ids = new HashSet<>();

  private ConformanceCases() {
  }

  /** Every case, in the order the recorder sent them and the replay sends them. */
  public static List<ConformanceCase> all() {
    ConformanceCases generator = new ConformanceCases();
    generator.valid();
    generator.wrongTypes();
    generator.missingMembers();
    generator.tableNames();
    generator.constraints();
    generator.multipleErrors();
    generator.attributeTypes();
    generator.attributeValues();
    generator.numberKeys();
    generator.limits();
    generator.keys();
    generator.projections();
    generator.conditions();
    generator.updates();
    generator.keyConditions();
    generator.filters();
    generator.legacyMixes();
    generator.conditionFailures();
    generator.createLifecycleTable();
    generator.missingTables();
    generator.unknownOperations();
    generator.useAndDeleteLifecycleTable();
    return List.copyOf(generator.cases);
  }

  private void add(String family, String operation, String what, String request) {
    String id = family + "/" + operation + "/" + what;
    if (!ids.add(id)) {
      throw new IllegalStateException("two conformance cases are named " + id);
    }
    cases.add(new ConformanceCase(id, family, operation, request));
  }

  /** Requests DynamoDB answers with 200, and whose answers depend only on the fixed tables. */
  private void valid() {
    String f = "valid";
    // Plain reads first: they fill the item cache, so that later cases meet warm keys even in the cold pass.
    add(f, "GetItem", "item", get(HASH, KEY_A, ""));
    add(f, "GetItem", "indexed-item", get("conf_indexed", json("{'pk':{'S':'p'},'sk':{'S':'a'}}"), ""));
    add(f, "GetItem", "absent-item", get(HASH, json("{'id':{'S':'zzz'}}"), ""));
    add(f, "GetItem", "consistent", get(HASH, KEY_A, ",'ConsistentRead':true"));
    add(f, "GetItem", "projection", get(HASH, KEY_A, ",'ProjectionExpression':'n, s'"));
    add(f, "GetItem", "projection-names", get(HASH, KEY_A, ",'ProjectionExpression':'#n, m.k, l[0]','ExpressionAttributeNames':{'#n':'n'}"));
    add(f, "GetItem", "projection-absent-path", get(HASH, KEY_A, ",'ProjectionExpression':'nope, l[5], m.z'"));
    add(f, "GetItem", "attributes-to-get", get(HASH, KEY_A, ",'AttributesToGet':['n','ss','nope']"));
    add(f, "GetItem", "capacity-total", get(HASH, KEY_A, ",'ReturnConsumedCapacity':'TOTAL'"));
    add(f, "GetItem", "capacity-indexes", get(HASH, KEY_A, ",'ReturnConsumedCapacity':'INDEXES'"));
    add(f, "GetItem", "capacity-none", get(HASH, KEY_A, ",'ReturnConsumedCapacity':'NONE'"));
    add(f, "GetItem", "range-key", get("conf_range", json("{'pk':{'S':'p'},'sk':{'N':'1'}}"), ""));
    add(f, "GetItem", "range-key-1.0", get("conf_range", json("{'pk':{'S':'p'},'sk':{'N':'1.0'}}"), ""));
    add(f, "GetItem", "range-key-01", get("conf_range", json("{'pk':{'S':'p'},'sk':{'N':'01'}}"), ""));
    add(f, "GetItem", "range-key-1.5", get("conf_range", json("{'pk':{'S':'q'},'sk':{'N':'15E-1'}}"), ""));
    add(f, "GetItem", "number-key", get("conf_number", json("{'k':{'N':'1'}}"), ""));
    add(f, "GetItem", "negative-number-key", get("conf_number", json("{'k':{'N':'-12.5'}}"), ""));
    add(f, "GetItem", "binary-key", get("conf_binary", json("{'b':{'B':'AQID'}}"), ""));
    add(f, "GetItem", "indexed", get("conf_indexed", json("{'pk':{'S':'p'},'sk':{'S':'a'}}"), ",'ProjectionExpression':'gk, x, m.a'"));
    add(f, "PutItem", "same-item-all-old", "{\"TableName\":\"conf_hash\",\"Item\":" + ITEM_A + ",\"ReturnValues\":\"ALL_OLD\"}");
    add(f, "PutItem", "same-item-capacity", "{\"TableName\":\"conf_hash\",\"Item\":" + ITEM_A + ",\"ReturnConsumedCapacity\":\"TOTAL\"}");
    add(f, "PutItem", "same-item-condition", "{\"TableName\":\"conf_hash\",\"Item\":" + ITEM_A
        + json(",'ConditionExpression':'n = :one AND size(s) = :one','ExpressionAttributeValues':{':one':{'N':'1'}}}"));
    add(f, "PutItem", "scratch", json("{'TableName':'conf_hash','Item':{'id':{'S':'scratch'},'v':{'N':'1'}}}"));
    for (String returnValues : List.of("ALL_NEW", "ALL_OLD", "UPDATED_NEW", "UPDATED_OLD", "NONE")) {
      add(f, "UpdateItem", "same-value-" + returnValues, json("{'TableName':'conf_hash','Key':{'id':{'S':'a'}},"
          + "'UpdateExpression':'SET s = :s','ExpressionAttributeValues':{':s':{'S':'x'}},'ReturnValues':'" + returnValues + "'}"));
    }
    add(f, "UpdateItem", "legacy-put-same", json("{'TableName':'conf_hash','Key':{'id':{'S':'a'}},"
        + "'AttributeUpdates':{'s':{'Action':'PUT','Value':{'S':'x'}}},'ReturnValues':'UPDATED_NEW'}"));
    add(f, "DeleteItem", "absent-all-old", json("{'TableName':'conf_hash','Key':{'id':{'S':'absent-delete'}},'ReturnValues':'ALL_OLD'}"));
    add(f, "DeleteItem", "absent-capacity", json("{'TableName':'conf_hash','Key':{'id':{'S':'absent-delete'}},'ReturnConsumedCapacity':'TOTAL'}"));
    add(f, "BatchGetItem", "two-tables", json("{'RequestItems':{'conf_hash':{'Keys':[{'id':{'S':'a'}},{'id':{'S':'b'}},"
        + "{'id':{'S':'zzz'}}]},'conf_range':{'Keys':[{'pk':{'S':'p'},'sk':{'N':'1'}},{'pk':{'S':'p'},'sk':{'N':'3'}}]}}}"));
    add(f, "BatchGetItem", "projection", json("{'RequestItems':{'conf_hash':{'Keys':[{'id':{'S':'a'}},{'id':{'S':'c'}}],"
        + "'ProjectionExpression':'#s, n','ExpressionAttributeNames':{'#s':'s'}}}}"));
    add(f, "BatchGetItem", "consistent-capacity", json("{'RequestItems':{'conf_hash':{'Keys':[{'id':{'S':'b'}}],"
        + "'ConsistentRead':true}},'ReturnConsumedCapacity':'TOTAL'}"));
    add(f, "BatchGetItem", "attributes-to-get", json("{'RequestItems':{'conf_range':{'Keys':[{'pk':{'S':'p'},'sk':{'N':'2'}}],"
        + "'AttributesToGet':['v']}}}"));
    add(f, "BatchWriteItem", "same-items", "{\"RequestItems\":{\"conf_hash\":[{\"PutRequest\":{\"Item\":" + ITEM_A + "}},"
        + json("{'PutRequest':{'Item':{'id':{'S':'b'},'n':{'N':'2'}}}},{'DeleteRequest':{'Key':{'id':{'S':'absent-delete'}}}}]}}"));
    add(f, "BatchWriteItem", "capacity", json("{'RequestItems':{'conf_hash':[{'DeleteRequest':{'Key':{'id':{'S':'absent-delete'}}}}]},"
        + "'ReturnConsumedCapacity':'TOTAL','ReturnItemCollectionMetrics':'SIZE'}"));
    add(f, "Query", "hash", query("conf_range", "pk = :p", "{':p':{'S':'p'}}", ""));
    add(f, "Query", "range-gt", query("conf_range", "pk = :p AND sk > :s", "{':p':{'S':'p'},':s':{'N':'1'}}", ""));
    add(f, "Query", "between", query("conf_range", "pk = :p AND sk BETWEEN :a AND :b", "{':p':{'S':'p'},':a':{'N':'2'},':b':{'N':'3'}}", ""));
    add(f, "Query", "backward", query("conf_range", "pk = :p", "{':p':{'S':'p'}}", ",'ScanIndexForward':false"));
    add(f, "Query", "limit", query("conf_range", "pk = :p", "{':p':{'S':'p'}}", ",'Limit':1"));
    add(f, "Query", "start-key", query("conf_range", "pk = :p", "{':p':{'S':'p'}}", ",'ExclusiveStartKey':{'pk':{'S':'p'},'sk':{'N':'1'}}"));
    add(f, "Query", "count", query("conf_range", "pk = :p", "{':p':{'S':'p'}}", ",'Select':'COUNT'"));
    add(f, "Query", "filter", query("conf_range", "pk = :p", "{':p':{'S':'p'},':v':{'S':'two'}}", ",'FilterExpression':'v = :v'"));
    add(f, "Query", "projection", query("conf_range", "pk = :p", "{':p':{'S':'p'}}", ",'ProjectionExpression':'sk, n'"));
    add(f, "Query", "capacity", query("conf_range", "pk = :p", "{':p':{'S':'q'}}", ",'ReturnConsumedCapacity':'INDEXES'"));
    add(f, "Query", "legacy-key-conditions", json("{'TableName':'conf_range','KeyConditions':{'pk':{'ComparisonOperator':'EQ',"
        + "'AttributeValueList':[{'S':'p'}]},'sk':{'ComparisonOperator':'LE','AttributeValueList':[{'N':'2'}]}}}"));
    add(f, "Query", "lsi", query("conf_indexed", "pk = :p AND lk > :l", "{':p':{'S':'p'},':l':{'N':'1'}}", ",'IndexName':'by_lk'"));
    add(f, "Query", "gsi-keys-only", query("conf_indexed", "gk = :g", "{':g':{'S':'g1'}}", ",'IndexName':'by_gk'"));
    add(f, "Query", "gsi-include", query("conf_indexed", "gk = :g AND gr >= :r", "{':g':{'S':'g1'},':r':{'N':'2'}}", ",'IndexName':'by_gk_gr'"));
    add(f, "Scan", "range", json("{'TableName':'conf_range'}"));
    add(f, "Scan", "limit", json("{'TableName':'conf_range','Limit':2}"));
    add(f, "Scan", "count", json("{'TableName':'conf_range','Select':'COUNT'}"));
    add(f, "Scan", "segment-0", json("{'TableName':'conf_range','Segment':0,'TotalSegments':2}"));
    add(f, "Scan", "segment-1", json("{'TableName':'conf_range','Segment':1,'TotalSegments':2}"));
    add(f, "Scan", "filter", json("{'TableName':'conf_range','FilterExpression':'attribute_exists(n)'}"));
    add(f, "Scan", "binary", json("{'TableName':'conf_binary'}"));
    add(f, "Scan", "gsi", json("{'TableName':'conf_indexed','IndexName':'by_gk'}"));
    add(f, "Scan", "indexed-projection", json("{'TableName':'conf_indexed','ProjectionExpression':'pk, #m.a','ExpressionAttributeNames':{'#m':'m'}}"));
    for (String table : List.of(HASH, "conf_range", "conf_binary", "conf_indexed")) {
      add(f, "DescribeTable", table, "{\"TableName\":\"" + table + "\"}");
    }
    add(f, "ListTables", "all", "{}");
    add(f, "ListTables", "limit", json("{'Limit':2}"));
    add(f, "ListTables", "start", json("{'ExclusiveStartTableName':'conf_binary'}"));
    add(f, "DescribeTimeToLive", "hash", json("{'TableName':'conf_hash'}"));
    add(f, "TagResource", "tag", "{\"ResourceArn\":\"" + ARN_PREFIX + "conf_range\"," + json("'Tags':[{'Key':'k','Value':'v'}]}"));
    add(f, "ListTagsOfResource", "tagged", "{\"ResourceArn\":\"" + ARN_PREFIX + "conf_range\"}");
    add(f, "UntagResource", "absent-key", "{\"ResourceArn\":\"" + ARN_PREFIX + "conf_range\"," + json("'TagKeys':['other']}"));
    add(f, "ListTagsOfResource", "untagged-table", "{\"ResourceArn\":\"" + ARN_PREFIX + "conf_binary\"}");
  }

  /**
   * A request whose members have DynamoDB's types, and the type of every member the operation has, except those
   * dynalite does not implement and drops unread where DynamoDB checks them: ReturnValuesOnConditionCheckFailure,
   * Scan's ConsistentRead and CreateTable's SSESpecification.
   */
  private record Shape(String base, Map<String, Kind> members) {
  }

  private static Map<String, Shape> shapes() {
    Map<String, Shape> shapes = new LinkedHashMap<>();
    shapes.put("GetItem", shape(get(HASH, KEY_A, ""), "TableName", Kind.STRING, "Key", Kind.MAP, "AttributesToGet", Kind.LIST,
        "ConsistentRead", Kind.BOOLEAN, "ReturnConsumedCapacity", Kind.STRING, "ProjectionExpression", Kind.STRING,
        "ExpressionAttributeNames", Kind.MAP));
    shapes.put("PutItem", shape("{\"TableName\":\"conf_hash\",\"Item\":" + ITEM_A + "}", "TableName", Kind.STRING, "Item", Kind.MAP,
        "Expected", Kind.MAP, "ReturnValues", Kind.STRING, "ReturnConsumedCapacity", Kind.STRING,
        "ReturnItemCollectionMetrics", Kind.STRING, "ConditionalOperator", Kind.STRING, "ConditionExpression", Kind.STRING,
        "ExpressionAttributeNames", Kind.MAP, "ExpressionAttributeValues", Kind.MAP));
    shapes.put("UpdateItem", shape(json("{'TableName':'conf_hash','Key':{'id':{'S':'a'}}}"), "TableName", Kind.STRING, "Key", Kind.MAP,
        "AttributeUpdates", Kind.MAP, "Expected", Kind.MAP, "ConditionalOperator", Kind.STRING, "ReturnValues", Kind.STRING,
        "ReturnConsumedCapacity", Kind.STRING, "ReturnItemCollectionMetrics", Kind.STRING, "UpdateExpression", Kind.STRING,
        "ConditionExpression", Kind.STRING, "ExpressionAttributeNames", Kind.MAP, "ExpressionAttributeValues", Kind.MAP));
    shapes.put("DeleteItem", shape(json("{'TableName':'conf_hash','Key':{'id':{'S':'absent-delete'}}}"), "TableName", Kind.STRING,
        "Key", Kind.MAP, "Expected", Kind.MAP, "ConditionalOperator", Kind.STRING, "ReturnValues", Kind.STRING,
        "ReturnConsumedCapacity", Kind.STRING, "ReturnItemCollectionMetrics", Kind.STRING, "ConditionExpression", Kind.STRING,
        "ExpressionAttributeNames", Kind.MAP, "ExpressionAttributeValues", Kind.MAP));
    shapes.put("BatchGetItem", shape(json("{'RequestItems':{'conf_hash':{'Keys':[{'id':{'S':'a'}}]}}}"), "RequestItems", Kind.MAP,
        "ReturnConsumedCapacity", Kind.STRING, "RequestItems.conf_hash", Kind.MAP, "RequestItems.conf_hash.Keys", Kind.LIST,
        "RequestItems.conf_hash.AttributesToGet", Kind.LIST, "RequestItems.conf_hash.ConsistentRead", Kind.BOOLEAN,
        "RequestItems.conf_hash.ProjectionExpression", Kind.STRING, "RequestItems.conf_hash.ExpressionAttributeNames", Kind.MAP));
    shapes.put("BatchWriteItem", shape(json("{'RequestItems':{'conf_hash':[{'DeleteRequest':{'Key':{'id':{'S':'absent-delete'}}}}]}}"),
        "RequestItems", Kind.MAP, "ReturnConsumedCapacity", Kind.STRING, "ReturnItemCollectionMetrics", Kind.STRING,
        "RequestItems.conf_hash", Kind.LIST));
    shapes.put("Query", shape(query("conf_range", "pk = :p", "{':p':{'S':'p'}}", ""), "TableName", Kind.STRING,
        "IndexName", Kind.STRING, "Select", Kind.STRING, "AttributesToGet", Kind.LIST, "Limit", Kind.INTEGER,
        "ConsistentRead", Kind.BOOLEAN, "KeyConditions", Kind.MAP, "QueryFilter", Kind.MAP, "ConditionalOperator", Kind.STRING,
        "ScanIndexForward", Kind.BOOLEAN, "ExclusiveStartKey", Kind.MAP, "ReturnConsumedCapacity", Kind.STRING,
        "ProjectionExpression", Kind.STRING, "FilterExpression", Kind.STRING, "KeyConditionExpression", Kind.STRING,
        "ExpressionAttributeNames", Kind.MAP, "ExpressionAttributeValues", Kind.MAP));
    shapes.put("Scan", shape(json("{'TableName':'conf_range'}"), "TableName", Kind.STRING, "IndexName", Kind.STRING,
        "AttributesToGet", Kind.LIST, "Limit", Kind.INTEGER, "Select", Kind.STRING, "ScanFilter", Kind.MAP,
        "ConditionalOperator", Kind.STRING, "ExclusiveStartKey", Kind.MAP, "ReturnConsumedCapacity", Kind.STRING,
        "TotalSegments", Kind.INTEGER, "Segment", Kind.INTEGER, "ProjectionExpression", Kind.STRING,
        "FilterExpression", Kind.STRING, "ExpressionAttributeNames", Kind.MAP, "ExpressionAttributeValues", Kind.MAP));
    shapes.put("CreateTable", shape(createHash(HASH, ""), "AttributeDefinitions", Kind.LIST, "TableName", Kind.STRING,
        "KeySchema", Kind.LIST, "LocalSecondaryIndexes", Kind.LIST, "GlobalSecondaryIndexes", Kind.LIST,
        "BillingMode", Kind.STRING, "ProvisionedThroughput", Kind.MAP, "StreamSpecification", Kind.MAP,
        "Tags", Kind.LIST));
    shapes.put("DescribeTable", shape(json("{'TableName':'conf_hash'}"), "TableName", Kind.STRING));
    shapes.put("DeleteTable", shape(json("{'TableName':'conf_absent'}"), "TableName", Kind.STRING));
    shapes.put("UpdateTable", shape(json("{'TableName':'conf_absent','BillingMode':'PAY_PER_REQUEST'}"),
        "AttributeDefinitions", Kind.LIST, "TableName", Kind.STRING, "BillingMode", Kind.STRING,
        "ProvisionedThroughput", Kind.MAP, "GlobalSecondaryIndexUpdates", Kind.LIST, "StreamSpecification", Kind.MAP));
    shapes.put("ListTables", shape("{}", "ExclusiveStartTableName", Kind.STRING, "Limit", Kind.INTEGER));
    shapes.put("TagResource", shape("{\"ResourceArn\":\"" + ARN_PREFIX + ABSENT + "\",\"Tags\":[{\"Key\":\"k\",\"Value\":\"v\"}]}",
        "ResourceArn", Kind.STRING, "Tags", Kind.LIST));
    shapes.put("UntagResource", shape("{\"ResourceArn\":\"" + ARN_PREFIX + ABSENT + "\",\"TagKeys\":[\"k\"]}",
        "ResourceArn", Kind.STRING, "TagKeys", Kind.LIST));
    shapes.put("ListTagsOfResource", shape("{\"ResourceArn\":\"" + ARN_PREFIX + ABSENT + "\"}",
        "ResourceArn", Kind.STRING, "NextToken", Kind.STRING));
    shapes.put("DescribeTimeToLive", shape(json("{'TableName':'conf_hash'}"), "TableName", Kind.STRING));
    return shapes;
  }

  private static Shape shape(String base, Object... memberKinds) {
    Map<String, Kind> members = new LinkedHashMap<>();
    for (int i = 0; i < memberKinds.length; i += 2) {
      members.put((String) memberKinds[i], (Kind) memberKinds[i + 1]);
    }
    return new Shape(base, members);
  }

  /** Each member of each operation, set to a JSON value of every kind but its own. */
  private void wrongTypes() {
    shapes().forEach((operation, shape) -> shape.members().forEach((member, kind) -> {
      for (String wrong : kind.wrongValues) {
        JsonNode value = parse(json(wrong));
        add("wrong-type", operation, member + "=" + value.getNodeType().name().toLowerCase(java.util.Locale.ROOT),
            with(shape.base(), member, value));
      }
    }));
  }

  /** An empty body, and each required member left out or given as JSON null. */
  private void missingMembers() {
    Map<String, List<String>> required = new LinkedHashMap<>();
    required.put("GetItem", List.of("TableName", "Key"));
    required.put("PutItem", List.of("TableName", "Item"));
    required.put("UpdateItem", List.of("TableName", "Key"));
    required.put("DeleteItem", List.of("TableName", "Key"));
    required.put("BatchGetItem", List.of("RequestItems", "RequestItems.conf_hash.Keys"));
    required.put("BatchWriteItem", List.of("RequestItems"));
    required.put("Query", List.of("TableName"));
    required.put("Scan", List.of("TableName"));
    required.put("CreateTable", List.of("AttributeDefinitions", "TableName", "KeySchema", "BillingMode"));
    required.put("DescribeTable", List.of("TableName"));
    required.put("DeleteTable", List.of("TableName"));
    required.put("UpdateTable", List.of("TableName", "BillingMode"));
    required.put("ListTables", List.of());
    required.put("TagResource", List.of("ResourceArn", "Tags"));
    required.put("UntagResource", List.of("ResourceArn", "TagKeys"));
    required.put("ListTagsOfResource", List.of("ResourceArn"));
    required.put("DescribeTimeToLive", List.of("TableName"));
    Map<String, Shape> shapes = shapes();
    required.forEach((operation, members) -> {
      add("missing-member", operation, "empty-body", "{}");
      for (String member : members) {
        add("missing-member", operation, member + "-absent", without(shapes.get(operation).base(), member));
        add("missing-member", operation, member + "-null", with(shapes.get(operation).base(), member, JSON.nullNode()));
      }
    });
    add("missing-member", "Query", "no-key-condition", json("{'TableName':'conf_range'}"));
    add("missing-member", "UpdateTable", "nothing-to-update", json("{'TableName':'conf_range'}"));
    add("missing-member", "CreateTable", "provisioned-without-throughput", json("{'TableName':'conf_new',"
        + "'AttributeDefinitions':[{'AttributeName':'id','AttributeType':'S'}],'KeySchema':[{'AttributeName':'id','KeyType':'HASH'}],"
        + "'BillingMode':'PROVISIONED'}"));
  }

  /** Table names DynamoDB's pattern and lengths refuse, a valid name of no table, and another account's ARN. */
  private void tableNames() {
    Map<String, String> names = new LinkedHashMap<>();
    names.put("len1", "a");
    names.put("len2", "ab");
    names.put("space-bang", "bad name!");
    names.put("len256", LONG_NAME);
    names.put("index-path", "t/index/x");
    names.put("empty", "");
    names.put("accented", "tablé");
    names.put("len255-absent", "x".repeat(255));
    names.put("foreign-arn", FOREIGN_ARN);
    names.forEach((what, name) -> {
      String quoted = quote(name);
      add("table-name", "GetItem", what, get(name, KEY_A, ""));
      add("table-name", "PutItem", what, "{\"TableName\":" + quoted + ",\"Item\":" + ITEM_A + "}");
      add("table-name", "UpdateItem", what, "{\"TableName\":" + quoted + ",\"Key\":" + KEY_A
          + json(",'UpdateExpression':'SET s = :s','ExpressionAttributeValues':{':s':{'S':'x'}}}"));
      add("table-name", "DeleteItem", what, "{\"TableName\":" + quoted + ",\"Key\":" + KEY_A + json(",'ConditionExpression':'attribute_not_exists(id)'}"));
      add("table-name", "Query", what, query(name, "id = :a", "{':a':{'S':'a'}}", ""));
      add("table-name", "Scan", what, "{\"TableName\":" + quoted + "}");
      add("table-name", "BatchGetItem", what, "{\"RequestItems\":{" + quoted + ":{\"Keys\":[" + KEY_A + "]}}}");
      add("table-name", "BatchWriteItem", what, "{\"RequestItems\":{" + quoted + ":[{\"PutRequest\":{\"Item\":" + ITEM_A + "}}]}}");
      add("table-name", "DescribeTable", what, "{\"TableName\":" + quoted + "}");
      add("table-name", "DeleteTable", what, "{\"TableName\":" + quoted + "}");
      add("table-name", "UpdateTable", what, "{\"TableName\":" + quoted + ",\"BillingMode\":\"PAY_PER_REQUEST\"}");
      add("table-name", "DescribeTimeToLive", what, "{\"TableName\":" + quoted + "}");
      if (!what.equals("len255-absent")) {
        add("table-name", "CreateTable", what, createHash(name, ""));
      }
    });
    add("table-name", "GetItem", "lower-case-of-existing", get("CONF_HASH", KEY_A, ""));
    add("table-name", "TagResource", "not-an-arn", json("{'ResourceArn':'conf_hash','Tags':[{'Key':'k','Value':'v'}]}"));
    add("table-name", "UntagResource", "not-an-arn", json("{'ResourceArn':'x','TagKeys':['k']}"));
    add("table-name", "ListTagsOfResource", "not-an-arn", json("{'ResourceArn':'x'}"));
    add("table-name", "ListTagsOfResource", "empty-arn", json("{'ResourceArn':''}"));
    add("table-name", "ListTagsOfResource", "index-arn", "{\"ResourceArn\":\"" + ARN_PREFIX + "conf_indexed/index/by_gk\"}");
  }

  /** Enumerations, ranges and lengths, one violation at a time. */
  private void constraints() {
    String f = "constraint";
    add(f, "GetItem", "capacity-enum", get(HASH, KEY_A, ",'ReturnConsumedCapacity':'ALL'"));
    add(f, "GetItem", "attributes-to-get-empty", get(HASH, KEY_A, ",'AttributesToGet':[]"));
    add(f, "GetItem", "attributes-to-get-256", get(HASH, KEY_A, ",'AttributesToGet':" + names(256)));
    add(f, "GetItem", "attributes-to-get-duplicate", get(HASH, KEY_A, ",'AttributesToGet':['s','s']"));
    add(f, "GetItem", "projection-empty", get(HASH, KEY_A, ",'ProjectionExpression':''"));
    add(f, "GetItem", "names-empty", get(HASH, KEY_A, ",'ProjectionExpression':'n','ExpressionAttributeNames':{}"));
    add(f, "GetItem", "names-without-expression", get(HASH, KEY_A, ",'ExpressionAttributeNames':{'#n':'n'}"));
    add(f, "GetItem", "name-not-hash", get(HASH, KEY_A, ",'ProjectionExpression':'#n','ExpressionAttributeNames':{'n':'n'}"));
    add(f, "GetItem", "name-empty-value", get(HASH, KEY_A, ",'ProjectionExpression':'#n','ExpressionAttributeNames':{'#n':''}"));
    add(f, "GetItem", "key-empty", get(HASH, "{}", ""));
    add(f, "PutItem", "return-values-all-new", put(",'ReturnValues':'ALL_NEW'"));
    add(f, "PutItem", "return-values-updated-old", put(",'ReturnValues':'UPDATED_OLD'"));
    add(f, "PutItem", "return-values-enum", put(",'ReturnValues':'SOME'"));
    add(f, "PutItem", "metrics-enum", put(",'ReturnItemCollectionMetrics':'ALL'"));
    add(f, "PutItem", "conditional-operator-enum", put(",'ConditionalOperator':'XOR'"));
    add(f, "PutItem", "conditional-operator-alone", put(",'ConditionalOperator':'AND'"));
    add(f, "PutItem", "values-empty", put(",'ConditionExpression':'attribute_exists(id)','ExpressionAttributeValues':{}"));
    add(f, "PutItem", "value-not-colon", put(",'ConditionExpression':'n = :v','ExpressionAttributeValues':{'v':{'N':'1'}}"));
    add(f, "PutItem", "values-without-expression", put(",'ExpressionAttributeValues':{':v':{'N':'1'}}"));
    add(f, "PutItem", "item-empty", json("{'TableName':'conf_hash','Item':{}}"));
    add(f, "PutItem", "item-too-large", "{\"TableName\":\"conf_hash\",\"Item\":{\"id\":{\"S\":\"scratch\"},\"v\":{\"S\":\""
        + "x".repeat(410 * 1024) + "\"}}}");
    add(f, "PutItem", "expected-operator-enum", put(",'Expected':{'n':{'ComparisonOperator':'ABOUT','AttributeValueList':[{'N':'1'}]}}"));
    add(f, "PutItem", "expected-exists-with-value-list", put(",'Expected':{'n':{'Exists':true}}"));
    add(f, "PutItem", "expected-arity", put(",'Expected':{'n':{'ComparisonOperator':'BETWEEN','AttributeValueList':[{'N':'1'}]}}"));
    add(f, "UpdateItem", "return-values-enum", json("{'TableName':'conf_hash','Key':{'id':{'S':'a'}},'ReturnValues':'ALL'}"));
    add(f, "UpdateItem", "action-enum", json("{'TableName':'conf_hash','Key':{'id':{'S':'a'}},'AttributeUpdates':{'s':{'Action':'SET','Value':{'S':'x'}}}}"));
    add(f, "UpdateItem", "attribute-update-key", json("{'TableName':'conf_hash','Key':{'id':{'S':'a'}},'AttributeUpdates':{'id':{'Action':'PUT','Value':{'S':'b'}}}}"));
    add(f, "UpdateItem", "attribute-update-delete-value", json("{'TableName':'conf_hash','Key':{'id':{'S':'a'}},'AttributeUpdates':{'s':{'Action':'ADD'}}}"));
    add(f, "UpdateItem", "update-expression-empty", json("{'TableName':'conf_hash','Key':{'id':{'S':'a'}},'UpdateExpression':''}"));
    add(f, "DeleteItem", "return-values-all-new", json("{'TableName':'conf_hash','Key':{'id':{'S':'absent-delete'}},'ReturnValues':'ALL_NEW'}"));
    add(f, "DeleteItem", "return-values-updated-new", json("{'TableName':'conf_hash','Key':{'id':{'S':'absent-delete'}},'ReturnValues':'UPDATED_NEW'}"));
    add(f, "BatchGetItem", "request-items-empty", json("{'RequestItems':{}}"));
    add(f, "BatchGetItem", "keys-empty", json("{'RequestItems':{'conf_hash':{'Keys':[]}}}"));
    add(f, "BatchGetItem", "keys-101", "{\"RequestItems\":{\"conf_hash\":{\"Keys\":" + hashKeys(101) + "}}}");
    add(f, "BatchGetItem", "keys-duplicate", json("{'RequestItems':{'conf_hash':{'Keys':[{'id':{'S':'a'}},{'id':{'S':'a'}}]}}}"));
    add(f, "BatchGetItem", "projection-and-attributes", json("{'RequestItems':{'conf_hash':{'Keys':[{'id':{'S':'a'}}],"
        + "'AttributesToGet':['n'],'ProjectionExpression':'n'}}}"));
    add(f, "BatchGetItem", "capacity-enum", json("{'RequestItems':{'conf_hash':{'Keys':[{'id':{'S':'a'}}]}},'ReturnConsumedCapacity':'SOME'}"));
    add(f, "BatchWriteItem", "request-items-empty", json("{'RequestItems':{}}"));
    add(f, "BatchWriteItem", "list-empty", json("{'RequestItems':{'conf_hash':[]}}"));
    add(f, "BatchWriteItem", "requests-26", "{\"RequestItems\":{\"conf_hash\":" + deletes(26) + "}}");
    add(f, "BatchWriteItem", "request-empty", json("{'RequestItems':{'conf_hash':[{}]}}"));
    add(f, "BatchWriteItem", "put-and-delete", "{\"RequestItems\":{\"conf_hash\":[{\"PutRequest\":{\"Item\":" + ITEM_A
        + "},\"DeleteRequest\":{\"Key\":" + KEY_A + "}}]}}");
    add(f, "BatchWriteItem", "duplicate-keys", json("{'RequestItems':{'conf_hash':[{'DeleteRequest':{'Key':{'id':{'S':'absent-delete'}}}},"
        + "{'DeleteRequest':{'Key':{'id':{'S':'absent-delete'}}}}]}}"));
    add(f, "BatchWriteItem", "metrics-enum", json("{'RequestItems':{'conf_hash':[{'DeleteRequest':{'Key':{'id':{'S':'absent-delete'}}}}]},"
        + "'ReturnItemCollectionMetrics':'ALL'}"));
    String p = "{':p':{'S':'p'}}";
    add(f, "Query", "limit-0", query("conf_range", "pk = :p", p, ",'Limit':0"));
    add(f, "Query", "limit-negative", query("conf_range", "pk = :p", p, ",'Limit':-1"));
    add(f, "Query", "select-enum", query("conf_range", "pk = :p", p, ",'Select':'SOME'"));
    add(f, "Query", "select-specific-without-attributes", query("conf_range", "pk = :p", p, ",'Select':'SPECIFIC_ATTRIBUTES'"));
    add(f, "Query", "select-projected-without-index", query("conf_range", "pk = :p", p, ",'Select':'ALL_PROJECTED_ATTRIBUTES'"));
    add(f, "Query", "select-count-with-projection", query("conf_range", "pk = :p", p, ",'Select':'COUNT','ProjectionExpression':'v'"));
    add(f, "Query", "select-all-with-attributes", query("conf_range", "pk = :p", p, ",'Select':'ALL_ATTRIBUTES','AttributesToGet':['v']"));
    add(f, "Query", "index-name-short", query("conf_range", "pk = :p", p, ",'IndexName':'ab'"));
    add(f, "Query", "index-name-pattern", query("conf_range", "pk = :p", p, ",'IndexName':'by gk'"));
    add(f, "Query", "index-absent", query("conf_indexed", "pk = :p", p, ",'IndexName':'by_nothing'"));
    add(f, "Query", "consistent-on-gsi", query("conf_indexed", "gk = :g", "{':g':{'S':'g1'}}", ",'IndexName':'by_gk','ConsistentRead':true"));
    add(f, "Query", "start-key-wrong-table", query("conf_range", "pk = :p", p, ",'ExclusiveStartKey':{'id':{'S':'a'}}"));
    add(f, "Query", "start-key-other-partition", query("conf_range", "pk = :p", p, ",'ExclusiveStartKey':{'pk':{'S':'q'},'sk':{'N':'1'}}"));
    add(f, "Query", "capacity-enum", query("conf_range", "pk = :p", p, ",'ReturnConsumedCapacity':'ALL'"));
    add(f, "Query", "conditional-operator-enum", query("conf_range", "pk = :p", p, ",'ConditionalOperator':'NOR'"));
    add(f, "Scan", "limit-0", json("{'TableName':'conf_range','Limit':0}"));
    add(f, "Scan", "segment-without-total", json("{'TableName':'conf_range','Segment':0}"));
    add(f, "Scan", "total-without-segment", json("{'TableName':'conf_range','TotalSegments':2}"));
    add(f, "Scan", "segment-too-big", json("{'TableName':'conf_range','Segment':2,'TotalSegments':2}"));
    add(f, "Scan", "segment-negative", json("{'TableName':'conf_range','Segment':-1,'TotalSegments':2}"));
    add(f, "Scan", "total-0", json("{'TableName':'conf_range','Segment':0,'TotalSegments':0}"));
    add(f, "Scan", "total-1000001", json("{'TableName':'conf_range','Segment':0,'TotalSegments':1000001}"));
    add(f, "Scan", "select-enum", json("{'TableName':'conf_range','Select':'NONE'}"));
    add(f, "Scan", "limit-fraction", json("{'TableName':'conf_range','Limit':1.5}"));
    add(f, "Scan", "limit-huge", json("{'TableName':'conf_range','Limit':1e400}"));
    add(f, "Scan", "scan-filter-operator-enum", json("{'TableName':'conf_range','ScanFilter':{'v':{'ComparisonOperator':'LIKE','AttributeValueList':[{'S':'a'}]}}}"));
    String keys = "'KeySchema':[{'AttributeName':'id','KeyType':'HASH'}]";
    String attrs = "'AttributeDefinitions':[{'AttributeName':'id','AttributeType':'S'}]";
    String pay = "'BillingMode':'PAY_PER_REQUEST'";
    add(f, "CreateTable", "key-schema-empty", json("{'TableName':'conf_new'," + attrs + ",'KeySchema':[]," + pay + "}"));
    add(f, "CreateTable", "key-schema-three", json("{'TableName':'conf_new'," + attrs + ",'KeySchema':[{'AttributeName':'id','KeyType':'HASH'},"
        + "{'AttributeName':'a','KeyType':'RANGE'},{'AttributeName':'b','KeyType':'RANGE'}]," + pay + "}"));
    add(f, "CreateTable", "two-hash", json("{'TableName':'conf_new','AttributeDefinitions':[{'AttributeName':'id','AttributeType':'S'},"
        + "{'AttributeName':'b','AttributeType':'S'}],'KeySchema':[{'AttributeName':'id','KeyType':'HASH'},{'AttributeName':'b','KeyType':'HASH'}]," + pay + "}"));
    add(f, "CreateTable", "range-only", json("{'TableName':'conf_new'," + attrs + ",'KeySchema':[{'AttributeName':'id','KeyType':'RANGE'}]," + pay + "}"));
    add(f, "CreateTable", "key-type-enum", json("{'TableName':'conf_new'," + attrs + ",'KeySchema':[{'AttributeName':'id','KeyType':'SIDE'}]," + pay + "}"));
    add(f, "CreateTable", "attribute-type-enum", json("{'TableName':'conf_new','AttributeDefinitions':[{'AttributeName':'id','AttributeType':'Z'}]," + keys + "," + pay + "}"));
    add(f, "CreateTable", "attribute-type-bool", json("{'TableName':'conf_new','AttributeDefinitions':[{'AttributeName':'id','AttributeType':'BOOL'}]," + keys + "," + pay + "}"));
    add(f, "CreateTable", "definition-missing", json("{'TableName':'conf_new','AttributeDefinitions':[{'AttributeName':'x','AttributeType':'S'}]," + keys + "," + pay + "}"));
    add(f, "CreateTable", "definition-unused", json("{'TableName':'conf_new','AttributeDefinitions':[{'AttributeName':'id','AttributeType':'S'},"
        + "{'AttributeName':'x','AttributeType':'S'}]," + keys + "," + pay + "}"));
    add(f, "CreateTable", "definition-duplicate", json("{'TableName':'conf_new','AttributeDefinitions':[{'AttributeName':'id','AttributeType':'S'},"
        + "{'AttributeName':'id','AttributeType':'N'}]," + keys + "," + pay + "}"));
    add(f, "CreateTable", "billing-enum", json("{'TableName':'conf_new'," + attrs + "," + keys + ",'BillingMode':'FREE'}"));
    add(f, "CreateTable", "pay-per-request-with-throughput", json("{'TableName':'conf_new'," + attrs + "," + keys + "," + pay
        + ",'ProvisionedThroughput':{'ReadCapacityUnits':1,'WriteCapacityUnits':1}}"));
    add(f, "CreateTable", "throughput-0", json("{'TableName':'conf_new'," + attrs + "," + keys
        + ",'ProvisionedThroughput':{'ReadCapacityUnits':0,'WriteCapacityUnits':1}}"));
    add(f, "CreateTable", "throughput-huge", json("{'TableName':'conf_new'," + attrs + "," + keys
        + ",'ProvisionedThroughput':{'ReadCapacityUnits':1000000000001,'WriteCapacityUnits':1}}"));
    add(f, "CreateTable", "throughput-missing-write", json("{'TableName':'conf_new'," + attrs + "," + keys + ",'ProvisionedThroughput':{'ReadCapacityUnits':1}}"));
    add(f, "CreateTable", "lsi-on-hash-only", json("{'TableName':'conf_new','AttributeDefinitions':[{'AttributeName':'id','AttributeType':'S'},"
        + "{'AttributeName':'l','AttributeType':'S'}]," + keys + "," + pay + ",'LocalSecondaryIndexes':[{'IndexName':'lsi',"
        + "'KeySchema':[{'AttributeName':'id','KeyType':'HASH'},{'AttributeName':'l','KeyType':'RANGE'}],'Projection':{'ProjectionType':'ALL'}}]}"));
    add(f, "CreateTable", "gsi-projection-enum", json("{'TableName':'conf_new','AttributeDefinitions':[{'AttributeName':'id','AttributeType':'S'},"
        + "{'AttributeName':'g','AttributeType':'S'}]," + keys + "," + pay + ",'GlobalSecondaryIndexes':[{'IndexName':'gsi',"
        + "'KeySchema':[{'AttributeName':'g','KeyType':'HASH'}],'Projection':{'ProjectionType':'SOME'}}]}"));
    add(f, "CreateTable", "gsi-duplicate-names", json("{'TableName':'conf_new','AttributeDefinitions':[{'AttributeName':'id','AttributeType':'S'},"
        + "{'AttributeName':'g','AttributeType':'S'}]," + keys + "," + pay + ",'GlobalSecondaryIndexes':[{'IndexName':'gsi',"
        + "'KeySchema':[{'AttributeName':'g','KeyType':'HASH'}],'Projection':{'ProjectionType':'ALL'}},{'IndexName':'gsi',"
        + "'KeySchema':[{'AttributeName':'g','KeyType':'HASH'}],'Projection':{'ProjectionType':'ALL'}}]}"));
    add(f, "CreateTable", "gsi-empty-list", json("{'TableName':'conf_new'," + attrs + "," + keys + "," + pay + ",'GlobalSecondaryIndexes':[]}"));
    add(f, "CreateTable", "existing", createHash(HASH, ""));
    add(f, "UpdateTable", "billing-enum", json("{'TableName':'conf_range','BillingMode':'FREE'}"));
    add(f, "UpdateTable", "throughput-0", json("{'TableName':'conf_range','ProvisionedThroughput':{'ReadCapacityUnits':0,'WriteCapacityUnits':5}}"));
    add(f, "UpdateTable", "throughput-unchanged", json("{'TableName':'conf_range','ProvisionedThroughput':{'ReadCapacityUnits':5,'WriteCapacityUnits':5}}"));
    add(f, "UpdateTable", "gsi-updates-empty", json("{'TableName':'conf_range','GlobalSecondaryIndexUpdates':[]}"));
    add(f, "UpdateTable", "gsi-update-empty-action", json("{'TableName':'conf_indexed','GlobalSecondaryIndexUpdates':[{}]}"));
    add(f, "UpdateTable", "gsi-update-absent-index", json("{'TableName':'conf_indexed','GlobalSecondaryIndexUpdates':[{'Update':{'IndexName':'by_nothing',"
        + "'ProvisionedThroughput':{'ReadCapacityUnits':1,'WriteCapacityUnits':1}}}]}"));
    add(f, "UpdateTable", "gsi-delete-absent-index", json("{'TableName':'conf_indexed','GlobalSecondaryIndexUpdates':[{'Delete':{'IndexName':'by_nothing'}}]}"));
    add(f, "ListTables", "limit-0", json("{'Limit':0}"));
    add(f, "ListTables", "limit-101", json("{'Limit':101}"));
    add(f, "ListTables", "start-short", json("{'ExclusiveStartTableName':'a'}"));
    add(f, "ListTables", "start-long", "{\"ExclusiveStartTableName\":\"" + LONG_NAME + "\"}");
    add(f, "ListTables", "start-pattern", json("{'ExclusiveStartTableName':'a b c'}"));
    String arn = "\"ResourceArn\":\"" + ARN_PREFIX + "conf_range\"";
    add(f, "TagResource", "tags-empty", "{" + arn + ",\"Tags\":[]}");
    add(f, "TagResource", "arn-too-long", "{\"ResourceArn\":\"" + ARN_PREFIX + "x".repeat(1400) + "\"," + json("'Tags':[{'Key':'k','Value':'v'}]}"));
    add(f, "UntagResource", "keys-empty", "{" + arn + ",\"TagKeys\":[]}");
    add(f, "ListTagsOfResource", "next-token", "{" + arn + ",\"NextToken\":\"abc\"}");
  }

  /** Several violations in one request, to pin down which DynamoDB reports and in which order. */
  private void multipleErrors() {
    String f = "multiple-errors";
    add(f, "GetItem", "name-capacity-attributes", json("{'TableName':'a','Key':{'id':{'S':'a'}},'ReturnConsumedCapacity':'ALL','AttributesToGet':[]}"));
    add(f, "GetItem", "key-missing-name-bad", json("{'TableName':'bad name!','ReturnConsumedCapacity':'X'}"));
    add(f, "PutItem", "four", json("{'TableName':'ab','ReturnValues':'X','ReturnConsumedCapacity':'Y','ReturnItemCollectionMetrics':'Z'}"));
    add(f, "PutItem", "item-missing-operator-bad", json("{'TableName':'conf_hash','ConditionalOperator':'XOR','ReturnValues':'ALL_NEW'}"));
    add(f, "UpdateItem", "five", json("{'TableName':'a','ReturnValues':'X','ReturnConsumedCapacity':'Y','ReturnItemCollectionMetrics':'Z','ConditionalOperator':'W'}"));
    add(f, "DeleteItem", "name-and-enums", json("{'TableName':'','Key':{'id':{'S':'a'}},'ReturnValues':'X','ConditionalOperator':'Y'}"));
    add(f, "Query", "five", json("{'TableName':'ab','Limit':0,'Select':'Z','ConditionalOperator':'NAND','IndexName':'a','ReturnConsumedCapacity':'Q'}"));
    add(f, "Scan", "six", json("{'TableName':'ab','Limit':0,'Segment':-1,'TotalSegments':0,'Select':'bad','ReturnConsumedCapacity':'Q'}"));
    add(f, "Scan", "eleven", "{\"TableName\":\"ab\",\"Limit\":0,\"Segment\":-1,\"TotalSegments\":0,\"Select\":\"bad\","
        + "\"ReturnConsumedCapacity\":\"Q\",\"IndexName\":\"a\",\"ConditionalOperator\":\"X\",\"AttributesToGet\":[],"
        + "\"ScanFilter\":{\"v\":{\"ComparisonOperator\":\"LIKE\"}},\"ExclusiveStartKey\":{}}");
    add(f, "CreateTable", "everything", json("{'TableName':'a','AttributeDefinitions':[{'AttributeName':'id','AttributeType':'Z'}],"
        + "'KeySchema':[{'AttributeName':'id','KeyType':'SIDE'}],'BillingMode':'FREE','ProvisionedThroughput':{'ReadCapacityUnits':0,'WriteCapacityUnits':0}}"));
    add(f, "CreateTable", "nothing", json("{'BillingMode':'FREE'}"));
    add(f, "ListTables", "both", json("{'Limit':0,'ExclusiveStartTableName':'a'}"));
    add(f, "BatchGetItem", "two-bad-tables", json("{'RequestItems':{'a':{'Keys':[{'id':{'S':'a'}}]},'b c':{'Keys':[]}},'ReturnConsumedCapacity':'X'}"));
    add(f, "BatchWriteItem", "two-bad-tables", json("{'RequestItems':{'a':[],'ab':[{}]},'ReturnConsumedCapacity':'X','ReturnItemCollectionMetrics':'Y'}"));
    add(f, "UpdateTable", "three", json("{'TableName':'a','BillingMode':'FREE','ProvisionedThroughput':{'ReadCapacityUnits':0,'WriteCapacityUnits':0}}"));
    add(f, "TagResource", "two", json("{'ResourceArn':'','Tags':[]}"));
    add(f, "UntagResource", "two", json("{'ResourceArn':'','TagKeys':[]}"));
    add(f, "GetItem", "type-error-and-constraint", json("{'TableName':'a','Key':{'id':{'S':'a'}},'ConsistentRead':'maybe'}"));
  }

  /** Attribute values whose members have the wrong JSON type, in a key and in an item. */
  private void attributeTypes() {
    List<String> values = List.of("{'S':1}", "{'S':true}", "{'S':{}}", "{'S':[]}", "{'N':1}", "{'N':[]}", "{'B':1}", "{'B':{}}",
        "{'BOOL':'maybe'}", "{'BOOL':1}", "{'NULL':'maybe'}", "{'SS':'a'}", "{'SS':[1]}", "{'SS':[[]]}", "{'NS':[1]}",
        "{'BS':[1]}", "{'L':{}}", "{'L':'a'}", "{'M':[]}", "{'M':'a'}", "{'M':{'x':'a'}}", "'a'", "[]");
    for (int i = 0; i < values.size(); i++) {
      String value = json(values.get(i));
      String what = String.format("%02d-%s", i, label(value));
      add("attribute-type", "GetItem", what, get(HASH, "{\"id\":" + value + "}", ""));
      add("attribute-type", "PutItem", what, "{\"TableName\":\"conf_hash\",\"Item\":{\"id\":{\"S\":\"scratch\"},\"v\":" + value + "}}");
    }
  }

  /** Attribute values DynamoDB refuses: empty and duplicate sets, numbers outside its grammar, bad base64, bad shapes. */
  private void attributeValues() {
    List<String> values = List.of("{'SS':[]}", "{'NS':[]}", "{'BS':[]}", "{'SS':['a','a']}", "{'NS':['1','1.0']}",
        "{'NS':['1','01']}", "{'BS':['AQ==','AQ==']}", "{'N':'+1'}", "{'N':'1e400'}", "{'N':'1e-400'}",
        "{'N':'123456789012345678901234567890123456789'}", "{'N':'١'}", "{'N':'１'}", "{'N':''}", "{'N':' 1'}",
        "{'N':'1 '}", "{'N':'0x10'}", "{'N':'NaN'}", "{'N':'Infinity'}", "{'N':'1e'}", "{'N':'--1'}", "{'N':'.5'}",
        "{'N':'5.'}", "{'N':'-0'}", "{'N':'1E+2'}", "{'NS':['1','+2']}", "{'B':'!!!'}", "{'B':'AQ='}", "{'B':'A'}",
        "{'BS':['@@']}", "{'S':'a','N':'1'}", "{}", "{'X':'a'}", "{'NULL':false}", "{'L':[{'SS':[]}]}",
        "{'M':{'x':{'N':'+1'}}}");
    for (int i = 0; i < values.size(); i++) {
      String value = json(values.get(i));
      String what = String.format("%02d-%s", i, label(value));
      add("attribute-value", "PutItem", what, "{\"TableName\":\"conf_hash\",\"Item\":{\"id\":{\"S\":\"scratch\"},\"v\":" + value + "}}");
      add("attribute-value", "GetItem", what, get("conf_range", "{\"pk\":{\"S\":\"p\"},\"sk\":" + value + "}", ""));
      add("attribute-value", "UpdateItem", what, "{\"TableName\":\"conf_hash\",\"Key\":" + SCRATCH
          + ",\"UpdateExpression\":\"SET v = :v\",\"ExpressionAttributeValues\":{\":v\":" + value + "}}");
      add("attribute-value", "BatchGetItem", what, "{\"RequestItems\":{\"conf_range\":{\"Keys\":[{\"pk\":{\"S\":\"p\"},\"sk\":"
          + value + "}]}}}");
      add("attribute-value", "Query", what, query("conf_range", "pk = :p AND sk = :s", "{':p':{'S':'p'},':s':" + value + "}", ""));
    }
  }

  /**
   * Spellings of the cached number keys {@code k = 1} and {@code k = -12.5} of {@code conf_number}: the ones DynamoDB's
   * grammar accepts find the item, the others are refused, whatever the cache holds.
   */
  private void numberKeys() {
    List<String> numbers = List.of("1", "1.0", "01", "1e0", "10E-1", "0.1e1", "+1", "+1.0", "١", "１", " 1", "1 ", "1.",
        ".1e1", "0x1", "1e400", "1" + "0".repeat(38), "1." + "0".repeat(40), "-12.50", "-1.25e1", "-012.5", "−12.5", "1_0");
    for (int i = 0; i < numbers.size(); i++) {
      String key = "{\"k\":{\"N\":" + quote(numbers.get(i)) + "}}";
      String what = String.format("%02d-%s", i, label(numbers.get(i)));
      add("number-key", "GetItem", what, get("conf_number", key, ""));
      add("number-key", "BatchGetItem", what, "{\"RequestItems\":{\"conf_number\":{\"Keys\":[" + key + "]}}}");
      add("number-key", "DeleteItem", what, "{\"TableName\":\"conf_number\",\"Key\":" + key
          + ",\"ConditionExpression\":\"attribute_not_exists(k)\"}");
    }
  }

  /**
   * Items near DynamoDB's limits that both DynamoDB and dynalite accept: an attribute name longer than JSON parsers
   * allow by default (DynamoDB allows 64 KB), and a value nested 31 levels deep (DynamoDB allows 32).
   */
  private void limits() {
    String longName = "n".repeat(50_001);
    String longKey = json("{'id':{'S':'long-name'}}");
    add("limit", "PutItem", "name-50001", "{\"TableName\":\"conf_hash\",\"Item\":{\"id\":{\"S\":\"long-name\"},\""
        + longName + "\":{\"S\":\"v\"}}}");
    add("limit", "GetItem", "name-50001", get(HASH, longKey, ""));
    add("limit", "BatchGetItem", "name-50001", "{\"RequestItems\":{\"conf_hash\":{\"Keys\":[" + longKey + "]}}}");
    String deep = "{\"S\":\"bottom\"}";
    for (int level = 0; level < 31; level++) {
      deep = "{\"M\":{\"d\":" + deep + "}}";
    }
    String deepKey = json("{'id':{'S':'deep'}}");
    add("limit", "PutItem", "depth-32", "{\"TableName\":\"conf_hash\",\"Item\":{\"id\":{\"S\":\"deep\"},\"d\":" + deep + "}}");
    add("limit", "GetItem", "depth-32", get(HASH, deepKey, ""));
    add("limit", "GetItem", "depth-32-projection", get(HASH, deepKey, ",'ProjectionExpression':'d.d.d.d.d.d.d.d'"));
    add("limit", "BatchGetItem", "depth-32", "{\"RequestItems\":{\"conf_hash\":{\"Keys\":[" + deepKey + "]}}}");
  }

  /** Keys that do not match the table's schema, in every operation that takes a key. */
  private void keys() {
    Map<String, String[]> keys = new LinkedHashMap<>();
    keys.put("hash-wrong-type", new String[] {HASH, "{'id':{'N':'1'}}"});
    keys.put("hash-binary-type", new String[] {HASH, "{'id':{'B':'AQ=='}}"});
    keys.put("hash-empty", new String[] {HASH, "{}"});
    keys.put("hash-extra", new String[] {HASH, "{'id':{'S':'a'},'x':{'S':'b'}}"});
    keys.put("hash-other-name", new String[] {HASH, "{'other':{'S':'a'}}"});
    keys.put("hash-empty-string", new String[] {HASH, "{'id':{'S':''}}"});
    keys.put("hash-2049", new String[] {HASH, "{'id':{'S':'" + "h".repeat(2049) + "'}}"});
    keys.put("range-missing", new String[] {"conf_range", "{'pk':{'S':'p'}}"});
    keys.put("hash-missing", new String[] {"conf_range", "{'sk':{'N':'1'}}"});
    keys.put("range-as-string", new String[] {"conf_range", "{'pk':{'S':'p'},'sk':{'S':'1'}}"});
    keys.put("range-extra", new String[] {"conf_range", "{'pk':{'S':'p'},'sk':{'N':'1'},'v':{'S':'one'}}"});
    keys.put("binary-as-string", new String[] {"conf_binary", "{'b':{'S':'AQID'}}"});
    keys.put("binary-empty", new String[] {"conf_binary", "{'b':{'B':''}}"});
    keys.put("index-key-instead", new String[] {"conf_indexed", "{'pk':{'S':'p'},'lk':{'N':'1'}}"});
    keys.put("range-1025", new String[] {"conf_indexed", "{'pk':{'S':'p'},'sk':{'S':'" + "r".repeat(1025) + "'}}"});
    keys.forEach((what, tableAndKey) -> {
      String table = quote(tableAndKey[0]);
      String key = json(tableAndKey[1]);
      add("key", "GetItem", what, get(tableAndKey[0], key, ""));
      add("key", "DeleteItem", what, "{\"TableName\":" + table + ",\"Key\":" + key + "}");
      add("key", "UpdateItem", what, "{\"TableName\":" + table + ",\"Key\":" + key
          + json(",'UpdateExpression':'SET v = :v','ExpressionAttributeValues':{':v':{'S':'new'}},'ConditionExpression':'attribute_exists(v)'}"));
      add("key", "BatchGetItem", what, "{\"RequestItems\":{" + table + ":{\"Keys\":[" + key + "]}}}");
      add("key", "BatchWriteItem", what, "{\"RequestItems\":{" + table + ":[{\"DeleteRequest\":{\"Key\":" + key + "}}]}}");
    });
    add("key", "PutItem", "hash-missing", json("{'TableName':'conf_hash','Item':{'v':{'S':'x'}}}"));
    add("key", "PutItem", "hash-wrong-type", json("{'TableName':'conf_hash','Item':{'id':{'N':'1'}}}"));
    add("key", "PutItem", "hash-empty-string", json("{'TableName':'conf_hash','Item':{'id':{'S':''}}}"));
    add("key", "PutItem", "range-missing", json("{'TableName':'conf_range','Item':{'pk':{'S':'p'},'v':{'S':'x'}}}"));
    add("key", "PutItem", "binary-empty", json("{'TableName':'conf_binary','Item':{'b':{'B':''}}}"));
    add("key", "PutItem", "index-key-wrong-type", json("{'TableName':'conf_indexed','Item':{'pk':{'S':'p'},'sk':{'S':'a'},'gk':{'N':'1'}}}"));
    add("key", "BatchWriteItem", "put-range-missing", json("{'RequestItems':{'conf_range':[{'PutRequest':{'Item':{'pk':{'S':'p'}}}}]}}"));
  }

  /** Projection expressions with syntax errors, placeholder mistakes, reserved words and paths into key attributes. */
  private void projections() {
    String f = "projection";
    Map<String, String> plain = new LinkedHashMap<>();
    plain.put("double-comma", "'ProjectionExpression':'n,,s'");
    plain.put("trailing-comma", "'ProjectionExpression':'n,'");
    plain.put("undefined-name", "'ProjectionExpression':'#x'");
    plain.put("unused-name", "'ProjectionExpression':'n','ExpressionAttributeNames':{'#u':'s'}");
    plain.put("reserved-name", "'ProjectionExpression':'name'");
    plain.put("reserved-size", "'ProjectionExpression':'size'");
    plain.put("reserved-nested", "'ProjectionExpression':'m.status'");
    plain.put("index-not-number", "'ProjectionExpression':'l[x]'");
    plain.put("index-negative", "'ProjectionExpression':'l[-1]'");
    plain.put("dot-at-end", "'ProjectionExpression':'m.'");
    plain.put("overlapping-paths", "'ProjectionExpression':'m, m.k'");
    plain.put("duplicate-paths", "'ProjectionExpression':'n, n'");
    plain.put("value-placeholder", "'ProjectionExpression':':v'");
    plain.put("function", "'ProjectionExpression':'size(n)'");
    plain.put("whitespace-only", "'ProjectionExpression':'   '");
    plain.put("hash-key-path", "'ProjectionExpression':'id.x'");
    plain.put("hash-key-index", "'ProjectionExpression':'id[0]'");
    plain.forEach((what, members) -> add(f, "GetItem", what, get(HASH, KEY_A, "," + members)));
    Map<String, String> indexKeys = new LinkedHashMap<>();
    indexKeys.put("gsi-key-map-path", "'ProjectionExpression':'#g.#a','ExpressionAttributeNames':{'#g':'gk','#a':'a'}");
    indexKeys.put("gsi-key-list-index", "'ProjectionExpression':'#g[0]','ExpressionAttributeNames':{'#g':'gk'}");
    indexKeys.put("gsi-range-key-path", "'ProjectionExpression':'gr.x'");
    indexKeys.put("lsi-key-path", "'ProjectionExpression':'#l.x','ExpressionAttributeNames':{'#l':'lk'}");
    indexKeys.put("range-key-path", "'ProjectionExpression':'#s.x','ExpressionAttributeNames':{'#s':'sk'}");
    indexKeys.put("no-names-gsi-key-path", "'ProjectionExpression':'gk.a'");
    indexKeys.put("no-names-plain", "'ProjectionExpression':'x, m.a'");
    String indexedKey = json("{'pk':{'S':'p'},'sk':{'S':'a'}}");
    indexKeys.forEach((what, members) -> {
      add(f, "GetItem", "indexed-" + what, get("conf_indexed", indexedKey, "," + members));
      add(f, "Query", "indexed-" + what, query("conf_indexed", "pk = :p", "{':p':{'S':'p'}}", "," + members));
      add(f, "Scan", "indexed-" + what, "{\"TableName\":\"conf_indexed\"," + json(members) + "}");
      add(f, "BatchGetItem", "indexed-" + what, "{\"RequestItems\":{\"conf_indexed\":{\"Keys\":[" + indexedKey + "]," + json(members) + "}}}");
    });
  }

  /** Condition expressions that DynamoDB refuses, on a write that would otherwise change nothing. */
  private void conditions() {
    Map<String, String> conditions = new LinkedHashMap<>();
    conditions.put("unclosed", "'ConditionExpression':'attribute_exists('");
    conditions.put("missing-value", "'ConditionExpression':'n = :v'");
    conditions.put("unused-value", "'ConditionExpression':'attribute_exists(n)','ExpressionAttributeValues':{':v':{'N':'1'}}");
    conditions.put("unknown-function", "'ConditionExpression':'foo(n)'");
    conditions.put("size-as-condition", "'ConditionExpression':'size(n)'");
    conditions.put("reserved-word", "'ConditionExpression':'name = :v','ExpressionAttributeValues':{':v':{'N':'1'}}");
    conditions.put("between-incomplete", "'ConditionExpression':'n BETWEEN :v','ExpressionAttributeValues':{':v':{'N':'1'}}");
    conditions.put("in-empty", "'ConditionExpression':'n IN ()'");
    conditions.put("missing-name", "'ConditionExpression':'#n = :v','ExpressionAttributeValues':{':v':{'N':'1'}}");
    conditions.put("attribute-type-invalid", "'ConditionExpression':'attribute_type(n, :t)','ExpressionAttributeValues':{':t':{'S':'Z'}}");
    conditions.put("dangling-and", "'ConditionExpression':'attribute_exists(n) AND'");
    conditions.put("not-alone", "'ConditionExpression':'NOT'");
    conditions.put("empty", "'ConditionExpression':''");
    conditions.put("begins-with-number", "'ConditionExpression':'begins_with(n, :v)','ExpressionAttributeValues':{':v':{'N':'1'}}");
    conditions.put("between-reversed", "'ConditionExpression':'n BETWEEN :b AND :a','ExpressionAttributeValues':{':a':{'N':'1'},':b':{'N':'2'}}");
    conditions.put("compare-operands-same", "'ConditionExpression':':a = :a','ExpressionAttributeValues':{':a':{'N':'1'}}");
    conditions.forEach((what, members) -> {
      add("condition", "PutItem", what, put("," + members));
      add("condition", "DeleteItem", what, json("{'TableName':'conf_hash','Key':{'id':{'S':'absent-delete'}}," + members + "}"));
    });
  }

  /** Update expressions that DynamoDB refuses or that fail on the item, and one that passes. */
  private void updates() {
    Map<String, String> updates = new LinkedHashMap<>();
    updates.put("empty", "'UpdateExpression':''");
    updates.put("set-alone", "'UpdateExpression':'SET'");
    updates.put("missing-value", "'UpdateExpression':'SET n = :v'");
    updates.put("key-attribute", "'UpdateExpression':'SET id = :v','ExpressionAttributeValues':{':v':{'S':'b'}}");
    updates.put("remove-key", "'UpdateExpression':'REMOVE id'");
    updates.put("same-path-twice", "'UpdateExpression':'SET n = :v, n = :w','ExpressionAttributeValues':{':v':{'N':'1'},':w':{'N':'2'}}");
    updates.put("parent-child-paths", "'UpdateExpression':'SET m = :v REMOVE m.k','ExpressionAttributeValues':{':v':{'M':{}}}");
    updates.put("section-twice", "'UpdateExpression':'SET n = :v SET s = :v','ExpressionAttributeValues':{':v':{'S':'x'}}");
    updates.put("unknown-action", "'UpdateExpression':'PUT n = :v','ExpressionAttributeValues':{':v':{'N':'1'}}");
    updates.put("add-string", "'UpdateExpression':'ADD s :v','ExpressionAttributeValues':{':v':{'S':'x'}}");
    updates.put("delete-from-number", "'UpdateExpression':'DELETE n :v','ExpressionAttributeValues':{':v':{'NS':['1']}}");
    updates.put("delete-scalar-operand", "'UpdateExpression':'DELETE ss :v','ExpressionAttributeValues':{':v':{'S':'a'}}");
    updates.put("plus-string", "'UpdateExpression':'SET n = n + :v','ExpressionAttributeValues':{':v':{'S':'x'}}");
    updates.put("list-append-number", "'UpdateExpression':'SET l = list_append(n, :v)','ExpressionAttributeValues':{':v':{'L':[]}}");
    updates.put("unused-name", "'UpdateExpression':'SET s = :v','ExpressionAttributeNames':{'#u':'x'},'ExpressionAttributeValues':{':v':{'S':'x'}}");
    updates.put("unused-value", "'UpdateExpression':'SET s = :v','ExpressionAttributeValues':{':v':{'S':'x'},':w':{'S':'y'}}");
    updates.put("reserved-word", "'UpdateExpression':'SET name = :v','ExpressionAttributeValues':{':v':{'S':'x'}}");
    updates.put("if-not-exists-value-first", "'UpdateExpression':'SET n = if_not_exists(:v, n)','ExpressionAttributeValues':{':v':{'N':'1'}}");
    updates.put("missing-parent-path", "'UpdateExpression':'SET nope.x = :v','ExpressionAttributeValues':{':v':{'S':'x'}}");
    updates.put("index-beyond-list", "'UpdateExpression':'SET s[0] = :v','ExpressionAttributeValues':{':v':{'S':'x'}}");
    updates.put("function-unknown", "'UpdateExpression':'SET n = foo(n)'");
    updates.put("same-value-passes", "'UpdateExpression':'SET s = :v','ExpressionAttributeValues':{':v':{'S':'x'}},'ReturnValues':'UPDATED_OLD'");
    updates.forEach((what, members) ->
        add("update", "UpdateItem", what, json("{'TableName':'conf_hash','Key':{'id':{'S':'a'}}," + members + "}")));
    String indexedKey = "'Key':{'pk':{'S':'p'},'sk':{'S':'a'}}";
    add("update", "UpdateItem", "index-key-wrong-type", json("{'TableName':'conf_indexed'," + indexedKey
        + ",'UpdateExpression':'SET gk = :v','ExpressionAttributeValues':{':v':{'N':'1'}}}"));
    add("update", "UpdateItem", "index-key-path", json("{'TableName':'conf_indexed'," + indexedKey
        + ",'UpdateExpression':'SET #g.x = :v','ExpressionAttributeNames':{'#g':'gk'},'ExpressionAttributeValues':{':v':{'S':'x'}}}"));
    add("update", "UpdateItem", "legacy-add-to-string", json("{'TableName':'conf_hash','Key':{'id':{'S':'a'}},"
        + "'AttributeUpdates':{'s':{'Action':'ADD','Value':{'S':'y'}}}}"));
  }

  /** Key condition expressions that DynamoDB refuses. */
  private void keyConditions() {
    Map<String, String[]> conditions = new LinkedHashMap<>();
    conditions.put("range-only", new String[] {"sk = :s", "{':s':{'N':'1'}}"});
    conditions.put("hash-not-equality", new String[] {"pk > :p", "{':p':{'S':'p'}}"});
    conditions.put("or", new String[] {"pk = :p OR sk = :s", "{':p':{'S':'p'},':s':{'N':'1'}}"});
    conditions.put("non-key", new String[] {"pk = :p AND v = :v", "{':p':{'S':'p'},':v':{'S':'one'}}"});
    conditions.put("empty", new String[] {"", "{':p':{'S':'p'}}"});
    conditions.put("begins-with-number", new String[] {"pk = :p AND begins_with(sk, :s)", "{':p':{'S':'p'},':s':{'N':'1'}}"});
    conditions.put("between-reversed", new String[] {"pk = :p AND sk BETWEEN :b AND :a", "{':p':{'S':'p'},':a':{'N':'1'},':b':{'N':'3'}}"});
    conditions.put("hash-type-mismatch", new String[] {"pk = :p", "{':p':{'N':'1'}}"});
    conditions.put("not-equal", new String[] {"pk <> :p", "{':p':{'S':'p'}}"});
    conditions.put("hash-twice", new String[] {"pk = :p AND pk = :p", "{':p':{'S':'p'}}"});
    conditions.put("in", new String[] {"pk IN (:p)", "{':p':{'S':'p'}}"});
    conditions.put("size", new String[] {"size(pk) = :p", "{':p':{'N':'1'}}"});
    conditions.put("unused-value", new String[] {"pk = :p", "{':p':{'S':'p'},':q':{'S':'q'}}"});
    conditions.put("missing-name", new String[] {"#k = :p", "{':p':{'S':'p'}}"});
    conditions.put("reserved-word", new String[] {"pk = :p AND name = :p", "{':p':{'S':'p'}}"});
    conditions.put("contains", new String[] {"pk = :p AND contains(sk, :s)", "{':p':{'S':'p'},':s':{'N':'1'}}"});
    conditions.put("syntax", new String[] {"pk = = :p", "{':p':{'S':'p'}}"});
    conditions.forEach((what, expression) ->
        add("key-condition", "Query", what, query("conf_range", expression[0], expression[1], "")));
    add("key-condition", "Query", "gsi-range-only", query("conf_indexed", "gr = :r", "{':r':{'N':'1'}}", ",'IndexName':'by_gk_gr'"));
    add("key-condition", "Query", "table-key-on-gsi", query("conf_indexed", "pk = :p", "{':p':{'S':'p'}}", ",'IndexName':'by_gk'"));
    add("key-condition", "Query", "legacy-operator-enum", json("{'TableName':'conf_range','KeyConditions':{'pk':{'ComparisonOperator':'LIKE','AttributeValueList':[{'S':'p'}]}}}"));
    add("key-condition", "Query", "legacy-arity", json("{'TableName':'conf_range','KeyConditions':{'pk':{'ComparisonOperator':'EQ','AttributeValueList':[]}}}"));
  }

  /** Filter expressions that DynamoDB refuses. */
  private void filters() {
    Map<String, String> filters = new LinkedHashMap<>();
    filters.put("dangling", "'FilterExpression':'v = '");
    filters.put("contains-arity", "'FilterExpression':'contains(v)'");
    filters.put("attribute-type-invalid", "'FilterExpression':'attribute_type(v, :t)','ExpressionAttributeValues':{':t':{'S':'Q'}}");
    filters.put("unused-value", "'FilterExpression':'attribute_exists(v)','ExpressionAttributeValues':{':t':{'S':'Q'}}");
    filters.put("empty", "'FilterExpression':''");
    filters.put("reserved-word", "'FilterExpression':'attribute_exists(size)'");
    filters.put("size-compare-string", "'FilterExpression':'size(v) > :t','ExpressionAttributeValues':{':t':{'S':'Q'}}");
    filters.forEach((what, members) -> add("filter", "Scan", what, json("{'TableName':'conf_range'," + members + "}")));
    add("filter", "Query", "key-attribute", query("conf_range", "pk = :p", "{':p':{'S':'p'},':s':{'N':'1'}}", ",'FilterExpression':'sk = :s'"));
    add("filter", "Query", "unclosed", query("conf_range", "pk = :p", "{':p':{'S':'p'}}", ",'FilterExpression':'(attribute_exists(v)'"));
  }

  /** The legacy parameters together with the expressions that replace them, which DynamoDB refuses. */
  private void legacyMixes() {
    String f = "legacy-mix";
    add(f, "GetItem", "attributes-and-projection", get(HASH, KEY_A, ",'AttributesToGet':['n'],'ProjectionExpression':'n'"));
    add(f, "PutItem", "expected-and-condition", put(",'Expected':{'n':{'Exists':false}},'ConditionExpression':'attribute_exists(n)'"));
    add(f, "UpdateItem", "attribute-updates-and-expression", json("{'TableName':'conf_hash','Key':{'id':{'S':'a'}},"
        + "'AttributeUpdates':{'s':{'Action':'PUT','Value':{'S':'x'}}},'UpdateExpression':'SET s = :v','ExpressionAttributeValues':{':v':{'S':'x'}}}"));
    add(f, "DeleteItem", "expected-and-condition", json("{'TableName':'conf_hash','Key':{'id':{'S':'absent-delete'}},"
        + "'Expected':{'n':{'Exists':false}},'ConditionExpression':'attribute_not_exists(n)'}"));
    add(f, "Query", "key-conditions-and-expression", query("conf_range", "pk = :p", "{':p':{'S':'p'}}",
        ",'KeyConditions':{'pk':{'ComparisonOperator':'EQ','AttributeValueList':[{'S':'p'}]}}"));
    add(f, "Query", "query-filter-and-expression", query("conf_range", "pk = :p", "{':p':{'S':'p'},':v':{'S':'x'}}",
        ",'FilterExpression':'v = :v','QueryFilter':{'v':{'ComparisonOperator':'NOT_NULL'}}"));
    add(f, "Scan", "scan-filter-and-expression", json("{'TableName':'conf_range','FilterExpression':'attribute_exists(v)',"
        + "'ScanFilter':{'v':{'ComparisonOperator':'NOT_NULL'}}}"));
    add(f, "Scan", "attributes-and-projection", json("{'TableName':'conf_range','AttributesToGet':['v'],'ProjectionExpression':'v'}"));
    add(f, "Query", "legacy-with-names", json("{'TableName':'conf_range','KeyConditions':{'pk':{'ComparisonOperator':'EQ',"
        + "'AttributeValueList':[{'S':'p'}]}},'ExpressionAttributeNames':{'#v':'v'}}"));
  }

  /** Conditions that parse but do not hold: the write is refused and nothing changes. */
  private void conditionFailures() {
    String f = "condition-failed";
    add(f, "PutItem", "not-exists", put(",'ConditionExpression':'attribute_not_exists(id)'"));
    add(f, "PutItem", "expected-value", put(",'Expected':{'n':{'Value':{'N':'99'}}}"));
    add(f, "PutItem", "expected-gt", put(",'Expected':{'n':{'ComparisonOperator':'GT','AttributeValueList':[{'N':'5'}]}}"));
    add(f, "PutItem", "expected-or", put(",'Expected':{'n':{'Value':{'N':'99'}},'s':{'Exists':false}},'ConditionalOperator':'OR'"));
    add(f, "DeleteItem", "value-differs", json("{'TableName':'conf_hash','Key':{'id':{'S':'a'}},'ConditionExpression':'n = :v',"
        + "'ExpressionAttributeValues':{':v':{'N':'2'}}}"));
    add(f, "DeleteItem", "expected-not-exists", json("{'TableName':'conf_hash','Key':{'id':{'S':'a'}},'Expected':{'n':{'Exists':false}}}"));
    add(f, "UpdateItem", "not-exists", json("{'TableName':'conf_hash','Key':{'id':{'S':'a'}},'UpdateExpression':'SET s = :v',"
        + "'ConditionExpression':'attribute_not_exists(id)','ExpressionAttributeValues':{':v':{'S':'changed'}}}"));
    add(f, "UpdateItem", "absent-item", json("{'TableName':'conf_hash','Key':{'id':{'S':'absent-update'}},'UpdateExpression':'SET s = :v',"
        + "'ConditionExpression':'attribute_exists(id)','ExpressionAttributeValues':{':v':{'S':'x'}}}"));
    add(f, "UpdateItem", "range-table", json("{'TableName':'conf_range','Key':{'pk':{'S':'p'},'sk':{'N':'1'}},'UpdateExpression':'SET v = :v',"
        + "'ConditionExpression':'v = :w','ExpressionAttributeValues':{':v':{'S':'changed'},':w':{'S':'other'}}}"));
  }

  /** Valid requests naming tables or indexes that do not exist. */
  private void missingTables() {
    String f = "missing-table";
    add(f, "GetItem", "table", get(ABSENT, KEY_A, ""));
    add(f, "PutItem", "table", "{\"TableName\":\"conf_absent\",\"Item\":" + ITEM_A + "}");
    add(f, "UpdateItem", "table", json("{'TableName':'conf_absent','Key':{'id':{'S':'a'}},'UpdateExpression':'SET s = :v','ExpressionAttributeValues':{':v':{'S':'x'}}}"));
    add(f, "DeleteItem", "table", json("{'TableName':'conf_absent','Key':{'id':{'S':'a'}}}"));
    add(f, "BatchGetItem", "table", json("{'RequestItems':{'conf_absent':{'Keys':[{'id':{'S':'a'}}]}}}"));
    add(f, "BatchGetItem", "one-of-two", json("{'RequestItems':{'conf_hash':{'Keys':[{'id':{'S':'a'}}]},'conf_absent':{'Keys':[{'id':{'S':'a'}}]}}}"));
    add(f, "BatchWriteItem", "table", json("{'RequestItems':{'conf_absent':[{'DeleteRequest':{'Key':{'id':{'S':'a'}}}}]}}"));
    add(f, "Query", "table", query(ABSENT, "id = :a", "{':a':{'S':'a'}}", ""));
    add(f, "Query", "index", query("conf_range", "pk = :p", "{':p':{'S':'p'}}", ",'IndexName':'by_nothing'"));
    add(f, "Scan", "table", json("{'TableName':'conf_absent'}"));
    add(f, "Scan", "index", json("{'TableName':'conf_range','IndexName':'by_nothing'}"));
    add(f, "DescribeTable", "table", json("{'TableName':'conf_absent'}"));
    add(f, "UpdateTable", "table", json("{'TableName':'conf_absent','ProvisionedThroughput':{'ReadCapacityUnits':1,'WriteCapacityUnits':1}}"));
    add(f, "DeleteTable", "table", json("{'TableName':'conf_absent'}"));
    add(f, "DescribeTimeToLive", "table", json("{'TableName':'conf_absent'}"));
    add(f, "TagResource", "table", "{\"ResourceArn\":\"" + ARN_PREFIX + ABSENT + "\"," + json("'Tags':[{'Key':'k','Value':'v'}]}"));
    add(f, "UntagResource", "table", "{\"ResourceArn\":\"" + ARN_PREFIX + ABSENT + "\"," + json("'TagKeys':['k']}"));
    add(f, "ListTagsOfResource", "table", "{\"ResourceArn\":\"" + ARN_PREFIX + ABSENT + "\"}");
  }

  /**
   * DynamoDB operations dynalite does not implement; it answers UnknownOperationException, which is what the corpus
   * records, though DynamoDB serves them.
   */
  private void unknownOperations() {
    String f = "unknown-operation";
    add(f, "TransactWriteItems", "valid", "{\"TransactItems\":[{\"Put\":{\"TableName\":\"conf_hash\",\"Item\":" + ITEM_A + "}}]}");
    add(f, "TransactWriteItems", "bad-table-name", "{\"TransactItems\":[{\"Put\":{\"TableName\":\"bad name!\",\"Item\":" + ITEM_A + "}}]}");
    add(f, "TransactWriteItems", "empty", "{\"TransactItems\":[]}");
    add(f, "TransactWriteItems", "condition-check", json("{'TransactItems':[{'ConditionCheck':{'TableName':'conf_hash','Key':{'id':{'S':'a'}},"
        + "'ConditionExpression':'attribute_exists(id)'}}]}"));
    add(f, "TransactGetItems", "valid", json("{'TransactItems':[{'Get':{'TableName':'conf_hash','Key':{'id':{'S':'a'}}}}]}"));
    add(f, "TransactGetItems", "bad-table-name", json("{'TransactItems':[{'Get':{'TableName':'a','Key':{'id':{'S':'a'}}}}]}"));
    add(f, "ExecuteStatement", "select", json("{'Statement':'SELECT * FROM conf_hash WHERE id = ?','Parameters':[{'S':'a'}]}"));
    add(f, "ExecuteStatement", "syntax", json("{'Statement':'SELEC nothing'}"));
    add(f, "BatchExecuteStatement", "select", json("{'Statements':[{'Statement':'SELECT * FROM conf_hash'}]}"));
    add(f, "ExecuteTransaction", "select", json("{'TransactStatements':[{'Statement':'SELECT * FROM conf_hash'}]}"));
    add(f, "UpdateTimeToLive", "enable", json("{'TableName':'conf_hash','TimeToLiveSpecification':{'Enabled':true,'AttributeName':'ttl'}}"));
    add(f, "DescribeLimits", "empty", "{}");
    add(f, "DescribeEndpoints", "empty", "{}");
    add(f, "DescribeContinuousBackups", "table", json("{'TableName':'conf_hash'}"));
    add(f, "UpdateContinuousBackups", "table", json("{'TableName':'conf_hash','PointInTimeRecoverySpecification':{'PointInTimeRecoveryEnabled':true}}"));
    add(f, "CreateBackup", "table", json("{'TableName':'conf_hash','BackupName':'b1'}"));
    add(f, "ListBackups", "empty", "{}");
    add(f, "ListGlobalTables", "empty", "{}");
    add(f, "DescribeContributorInsights", "table", json("{'TableName':'conf_hash'}"));
    add(f, "DescribeKinesisStreamingDestination", "table", json("{'TableName':'conf_hash'}"));
    add(f, "ListExports", "empty", "{}");
    add(f, "GetResourcePolicy", "table", "{\"ResourceArn\":\"" + ARN_PREFIX + "conf_hash\"}");
    add(f, "getItem", "lower-case", get(HASH, KEY_A, ""));
    add(f, "Bogus", "empty", "{}");
  }

  /**
   * Creates the one table the corpus makes itself. Two families of cases come between this and the first use of the
   * table, because dynalite turns a new table ACTIVE just after it answers CreateTable.
   */
  private void createLifecycleTable() {
    add("table-lifecycle", "CreateTable", "create", createHash("conf_life", ",'Tags':[{'Key':'team','Value':'conformance'}]"));
    add("table-lifecycle", "CreateTable", "create-again", createHash("conf_life", ""));
  }

  /** Uses the table {@link #createLifecycleTable} made, then deletes it: the last case, so the next pass can create it. */
  private void useAndDeleteLifecycleTable() {
    String f = "table-lifecycle";
    add(f, "DescribeTable", "new-table", json("{'TableName':'conf_life'}"));
    add(f, "DescribeTimeToLive", "new-table", json("{'TableName':'conf_life'}"));
    add(f, "ListTagsOfResource", "new-table", "{\"ResourceArn\":\"" + ARN_PREFIX + "conf_life\"}");
    add(f, "GetItem", "new-table-empty", get("conf_life", KEY_A, ""));
    add(f, "Query", "new-table-empty", query("conf_life", "id = :a", "{':a':{'S':'a'}}", ""));
    add(f, "Scan", "new-table-empty", json("{'TableName':'conf_life'}"));
    add(f, "DeleteTable", "delete", json("{'TableName':'conf_life'}"));
  }

  private static String get(String table, String key, String extraMembers) {
    return "{\"TableName\":" + quote(table) + ",\"Key\":" + key + json(extraMembers) + "}";
  }

  private static String put(String extraMembers) {
    return "{\"TableName\":\"conf_hash\",\"Item\":" + ITEM_A + json(extraMembers) + "}";
  }

  private static String query(String table, String keyCondition, String values, String extraMembers) {
    return "{\"TableName\":" + quote(table) + ",\"KeyConditionExpression\":" + quote(keyCondition)
        + ",\"ExpressionAttributeValues\":" + json(values) + json(extraMembers) + "}";
  }

  private static String createHash(String table, String extraMembers) {
    return "{\"TableName\":" + quote(table) + json(",'AttributeDefinitions':[{'AttributeName':'id','AttributeType':'S'}],"
        + "'KeySchema':[{'AttributeName':'id','KeyType':'HASH'}],'BillingMode':'PAY_PER_REQUEST'" + extraMembers + "}");
  }

  private static String names(int count) {
    StringBuilder list = new StringBuilder("[");
    for (int i = 0; i < count; i++) {
      list.append(i == 0 ? "" : ",").append("'a").append(i).append('\'');
    }
    return list.append(']').toString();
  }

  private static String hashKeys(int count) {
    StringBuilder list = new StringBuilder("[");
    for (int i = 0; i < count; i++) {
      list.append(i == 0 ? "" : ",").append("{\"id\":{\"S\":\"k").append(i).append("\"}}");
    }
    return list.append(']').toString();
  }

  private static String deletes(int count) {
    StringBuilder list = new StringBuilder("[");
    for (int i = 0; i < count; i++) {
      list.append(i == 0 ? "" : ",").append("{\"DeleteRequest\":{\"Key\":{\"id\":{\"S\":\"absent-").append(i).append("\"}}}}");
    }
    return list.append(']').toString();
  }

  private static String quote(String text) {
    try {
      return JSON.writeValueAsString(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code value} reduced to characters that read well in an id; other non-ASCII characters become {@code uXXXX}. */
  private static String label(String value) {
    StringBuilder label = new StringBuilder();
    value.codePoints().forEach(c -> {
      if (c > 127) {
        label.append(String.format("u%04X", c));
      } else if (Character.isLetterOrDigit(c) || c == '+' || c == '.' || c == '-') {
        label.appendCodePoint(c);
      } else if (label.length() > 0 && label.charAt(label.length() - 1) != '_') {
        label.append('_');
      }
    });
    return label.toString().replaceAll("_$", "");
  }

  private static JsonNode parse(String text) {
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + text, e);
    }
  }

  /** {@code base} with the member at the dotted {@code path} set to {@code value}. */
  private static String with(String base, String path, JsonNode value) {
    ObjectNode root = (ObjectNode) parse(base);
    String[] steps = path.split("\\.");
    ObjectNode parent = root;
    for (int i = 0; i < steps.length - 1; i++) {
      parent = (ObjectNode) parent.get(steps[i]);
    }
    parent.set(steps[steps.length - 1], value);
    return root.toString();
  }

  /** {@code base} without the member at the dotted {@code path}. */
  private static String without(String base, String path) {
    ObjectNode root = (ObjectNode) parse(base);
    String[] steps = path.split("\\.");
    ObjectNode parent = root;
    for (int i = 0; i < steps.length - 1; i++) {
      parent = (ObjectNode) parent.get(steps[i]);
    }
    parent.remove(steps[steps.length - 1]);
    return root.toString();
  }
}
