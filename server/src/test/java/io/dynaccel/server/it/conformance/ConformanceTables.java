package io.dynaccel.server.it.conformance;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;

/**
 * The fixed tables and items that every conformance case runs against, created the same way by the recorder
 * and by the replay, directly in dynalite: a hash-only table with a string key, a hash-and-range table with a number
 * sort key, a table with a binary key, a table with a local and two global secondary indexes, and a table with a
 * number hash key.
 */
public final class ConformanceTables {

  /** Hash key {@code id} (S). */
  public static final String HASH = "conf_hash";
  /** Hash key {@code pk} (S), range key {@code sk} (N), provisioned 5/5. */
  public static final String RANGE = "conf_range";
  /** Hash key {@code b} (B). */
  public static final String BINARY = "conf_binary";
  /** Hash {@code pk} (S), range {@code sk} (S); LSI {@code by_lk} on {@code lk} (N); GSIs {@code by_gk} and {@code by_gk_gr}. */
  public static final String INDEXED = "conf_indexed";
  /** Hash key {@code k} (N). */
  public static final String NUMBER = "conf_number";
  /** A table name that no case ever creates. */
  public static final String ABSENT = "conf_absent";
  /** The ARN dynalite gives a table: region us-east-1, account 000000000000. */
  public static final String ARN_PREFIX = "arn:aws:dynamodb:us-east-1:000000000000:table/";

  /** The item {@code id = a} of {@link #HASH}, with one attribute of every type; cases that put it put it unchanged. */
  public static final String ITEM_A = json("{'id':{'S':'a'},'n':{'N':'1'},'s':{'S':'x'},'ss':{'SS':['a','b']},"
      + "'ns':{'NS':['1','2']},'bs':{'BS':['AQ==']},'m':{'M':{'k':{'S':'v'}}},'l':{'L':[{'S':'e'},{'N':'2'}]},"
      + "'bool':{'BOOL':true},'nul':{'NULL':true},'bin':{'B':'AQID'}}");

  private static final List<String> CREATE = List.of(
      json("{'TableName':'conf_hash','AttributeDefinitions':[{'AttributeName':'id','AttributeType':'S'}],"
          + "'KeySchema':[{'AttributeName':'id','KeyType':'HASH'}],'BillingMode':'PAY_PER_REQUEST'}"),
      json("{'TableName':'conf_range','AttributeDefinitions':[{'AttributeName':'pk','AttributeType':'S'},"
          + "{'AttributeName':'sk','AttributeType':'N'}],'KeySchema':[{'AttributeName':'pk','KeyType':'HASH'},"
          + "{'AttributeName':'sk','KeyType':'RANGE'}],'ProvisionedThroughput':{'ReadCapacityUnits':5,'WriteCapacityUnits':5}}"),
      json("{'TableName':'conf_binary','AttributeDefinitions':[{'AttributeName':'b','AttributeType':'B'}],"
          + "'KeySchema':[{'AttributeName':'b','KeyType':'HASH'}],'BillingMode':'PAY_PER_REQUEST'}"),
      json("{'TableName':'conf_indexed','AttributeDefinitions':[{'AttributeName':'pk','AttributeType':'S'},"
          + "{'AttributeName':'sk','AttributeType':'S'},{'AttributeName':'lk','AttributeType':'N'},"
          + "{'AttributeName':'gk','AttributeType':'S'},{'AttributeName':'gr','AttributeType':'N'}],"
          + "'KeySchema':[{'AttributeName':'pk','KeyType':'HASH'},{'AttributeName':'sk','KeyType':'RANGE'}],"
          + "'LocalSecondaryIndexes':[{'IndexName':'by_lk','KeySchema':[{'AttributeName':'pk','KeyType':'HASH'},"
          + "{'AttributeName':'lk','KeyType':'RANGE'}],'Projection':{'ProjectionType':'ALL'}}],"
          + "'GlobalSecondaryIndexes':[{'IndexName':'by_gk','KeySchema':[{'AttributeName':'gk','KeyType':'HASH'}],"
          + "'Projection':{'ProjectionType':'KEYS_ONLY'}},{'IndexName':'by_gk_gr','KeySchema':["
          + "{'AttributeName':'gk','KeyType':'HASH'},{'AttributeName':'gr','KeyType':'RANGE'}],"
          + "'Projection':{'ProjectionType':'INCLUDE','NonKeyAttributes':['x']}}],'BillingMode':'PAY_PER_REQUEST'}"),
      json("{'TableName':'conf_number','AttributeDefinitions':[{'AttributeName':'k','AttributeType':'N'}],"
          + "'KeySchema':[{'AttributeName':'k','KeyType':'HASH'}],'BillingMode':'PAY_PER_REQUEST'}"));

  private static final List<String> PUT = List.of(
      "{\"TableName\":\"conf_hash\",\"Item\":" + ITEM_A + "}",
      json("{'TableName':'conf_hash','Item':{'id':{'S':'b'},'n':{'N':'2'}}}"),
      json("{'TableName':'conf_hash','Item':{'id':{'S':'c'},'s':{'S':'y'}}}"),
      json("{'TableName':'conf_range','Item':{'pk':{'S':'p'},'sk':{'N':'1'},'v':{'S':'one'}}}"),
      json("{'TableName':'conf_range','Item':{'pk':{'S':'p'},'sk':{'N':'2'},'v':{'S':'two'}}}"),
      json("{'TableName':'conf_range','Item':{'pk':{'S':'p'},'sk':{'N':'3'},'v':{'S':'three'},'n':{'N':'3'}}}"),
      json("{'TableName':'conf_range','Item':{'pk':{'S':'q'},'sk':{'N':'1.5'},'v':{'S':'q'}}}"),
      json("{'TableName':'conf_binary','Item':{'b':{'B':'AQID'},'v':{'S':'bin'}}}"),
      json("{'TableName':'conf_binary','Item':{'b':{'B':'AAEC'}}}"),
      json("{'TableName':'conf_indexed','Item':{'pk':{'S':'p'},'sk':{'S':'a'},'lk':{'N':'1'},'gk':{'S':'g1'},"
          + "'gr':{'N':'1'},'x':{'S':'x1'},'y':{'S':'y1'},'m':{'M':{'a':{'S':'b'}}}}}"),
      json("{'TableName':'conf_indexed','Item':{'pk':{'S':'p'},'sk':{'S':'b'},'lk':{'N':'2'},'gk':{'S':'g1'},"
          + "'gr':{'N':'2'},'x':{'S':'x2'}}}"),
      json("{'TableName':'conf_indexed','Item':{'pk':{'S':'q'},'sk':{'S':'a'},'lk':{'N':'3'},'gk':{'S':'g2'},"
          + "'gr':{'N':'3'}}}"),
      json("{'TableName':'conf_number','Item':{'k':{'N':'1'},'v':{'S':'one'}}}"),
      json("{'TableName':'conf_number','Item':{'k':{'N':'-12.5'},'v':{'S':'negative'}}}"));

  private ConformanceTables() {
  }

  /** Creates the tables through {@code client}, waits until they and their indexes are ACTIVE, and puts the items. */
  public static void create(SignedJsonClient client) throws Exception {
    for (String create : CREATE) {
      expectOk(client.call("CreateTable", create), create);
    }
    for (String name : List.of(HASH, RANGE, BINARY, INDEXED, NUMBER)) {
      String describe = "{\"TableName\":\"" + name + "\"}";
      Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> {
        String body = client.call("DescribeTable", describe).body();
        return body.contains("\"ACTIVE\"") && !body.contains("\"CREATING\"");
      });
    }
    for (String put : PUT) {
      expectOk(client.call("PutItem", put), put);
    }
  }

  /** {@code text} with single quotes turned into double quotes, so that JSON reads well in Java source. */
  static String json(String text) {
    return text.replace('\'', '"');
  }

  private static void expectOk(HttpResponse<String> answer, String request) {
    if (answer.statusCode() != 200) {
      throw new IllegalStateException("set-up call " + request + " answered " + answer.statusCode() + " " + answer.body());
    }
  }
}
