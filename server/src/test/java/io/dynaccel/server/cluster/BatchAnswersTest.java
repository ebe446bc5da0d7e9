package io.dynaccel.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynaccel.server.protocol.JsonCodec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchAnswersTest {

  private static JsonNode json(String text) {
    return JsonCodec.read(text.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void batchGet_whenPartsReadDifferentTables_keepsEveryTableOnce() {
    JsonNode merged = BatchAnswers.batchGet(List.of(
        json("{'Responses':{'A':[{'pk':{'S':'1'}}]},'UnprocessedKeys':{}}"),
        json("{'Responses':{'B':[{'pk':{'S':'2'}}]},'UnprocessedKeys':{}}")));

    assertThat(merged).isEqualTo(json("{'Responses':{'A':[{'pk':{'S':'1'}}],'B':[{'pk':{'S':'2'}}]},'UnprocessedKeys':{}}"));
  }

  @Test
  void batchGet_whenPartsReadOneTable_concatenatesItemsAndKeepsEmptyTables() {
    JsonNode merged = BatchAnswers.batchGet(List.of(
        json("{'Responses':{'A':[{'pk':{'S':'1'}}],'B':[]},'UnprocessedKeys':{}}"),
        json("{'Responses':{'A':[{'pk':{'S':'2'}}]},'UnprocessedKeys':{}}")));

    assertThat(merged.get("Responses")).isEqualTo(json("{'A':[{'pk':{'S':'1'}},{'pk':{'S':'2'}}],'B':[]}"));
  }

  @Test
  void batchGet_whenPartsLeaveKeysUnprocessed_mergesKeysUnderTheTablesReadOptions() {
    JsonNode merged = BatchAnswers.batchGet(List.of(
        json("{'Responses':{'A':[]},'UnprocessedKeys':{'A':{'Keys':[{'pk':{'S':'1'}}],'ProjectionExpression':'#n','ExpressionAttributeNames':{'#n':'v'},"
            + "'ConsistentRead':true}}}"),
        json("{'Responses':{'A':[],'B':[]},'UnprocessedKeys':{'A':{'Keys':[{'pk':{'S':'2'}}],'ProjectionExpression':'#n','ExpressionAttributeNames':{'#n':'v'},"
            + "'ConsistentRead':true},'B':{'Keys':[{'pk':{'S':'3'}}]}}}")));

    assertThat(merged.get("UnprocessedKeys")).isEqualTo(json("{'A':{'Keys':[{'pk':{'S':'1'}},{'pk':{'S':'2'}}],'ProjectionExpression':'#n',"
        + "'ExpressionAttributeNames':{'#n':'v'},'ConsistentRead':true},'B':{'Keys':[{'pk':{'S':'3'}}]}}"));
  }

  @Test
  void batchGet_whenPartsReportCapacity_sumsUnitsPerTable() {
    JsonNode merged = BatchAnswers.batchGet(List.of(
        json("{'Responses':{'A':[],'B':[]},'UnprocessedKeys':{},'ConsumedCapacity':[{'TableName':'A','CapacityUnits':1.5,'Table':{'CapacityUnits':1.5}},"
            + "{'TableName':'B','CapacityUnits':0.5}]}"),
        json("{'Responses':{'A':[]},'UnprocessedKeys':{},'ConsumedCapacity':[{'TableName':'A','CapacityUnits':2.0,'Table':{'CapacityUnits':2.0}}]}")));

    assertThat(merged.get("ConsumedCapacity")).isEqualTo(json("[{'TableName':'A','CapacityUnits':3.5,'Table':{'CapacityUnits':3.5}},"
        + "{'TableName':'B','CapacityUnits':0.5}]"));
  }

  @Test
  void batchGet_whenUnitsAreWhole_keepsThemWhole() {
    JsonNode merged = BatchAnswers.batchGet(List.of(
        json("{'Responses':{'A':[]},'ConsumedCapacity':[{'TableName':'A','CapacityUnits':1}]}"),
        json("{'Responses':{'A':[]},'ConsumedCapacity':[{'TableName':'A','CapacityUnits':2}]}")));

    assertThat(JsonCodec.canonical(merged.get("ConsumedCapacity"))).isEqualTo(JsonCodec.canonical(json("[{'TableName':'A','CapacityUnits':3}]")));
    assertThat(merged.get("ConsumedCapacity").get(0).get("CapacityUnits").isIntegralNumber()).isTrue();
  }

  @Test
  void batchGet_whenNoPartReportsCapacity_hasNoCapacity() {
    JsonNode merged = BatchAnswers.batchGet(List.of(json("{'Responses':{'A':[]},'UnprocessedKeys':{}}"), json("{'Responses':{'B':[]},'UnprocessedKeys':{}}")));

    assertThat(merged.has("ConsumedCapacity")).isFalse();
  }

  @Test
  void batchWrite_whenPartsLeaveItemsUnprocessed_concatenatesThemPerTable() {
    JsonNode merged = BatchAnswers.batchWrite(List.of(
        json("{'UnprocessedItems':{'A':[{'PutRequest':{'Item':{'pk':{'S':'1'}}}}]}}"),
        json("{'UnprocessedItems':{'A':[{'DeleteRequest':{'Key':{'pk':{'S':'2'}}}}],'B':[{'DeleteRequest':{'Key':{'pk':{'S':'3'}}}}]}}"),
        json("{'UnprocessedItems':{}}")));

    assertThat(merged).isEqualTo(json("{'UnprocessedItems':{'A':[{'PutRequest':{'Item':{'pk':{'S':'1'}}}},{'DeleteRequest':{'Key':{'pk':{'S':'2'}}}}],"
        + "'B':[{'DeleteRequest':{'Key':{'pk':{'S':'3'}}}}]}}"));
  }

  @Test
  void batchWrite_whenPartsReportMetricsAndCapacity_mergesBothPerTable() {
    JsonNode merged = BatchAnswers.batchWrite(List.of(
        json("{'UnprocessedItems':{},'ItemCollectionMetrics':{'A':[{'ItemCollectionKey':{'pk':{'S':'1'}},'SizeEstimateRangeGB':[0.0,1.0]}]},"
            + "'ConsumedCapacity':[{'TableName':'A','CapacityUnits':1.0,'LocalSecondaryIndexes':{'i':{'CapacityUnits':1.0}}}]}"),
        json("{'UnprocessedItems':{},'ItemCollectionMetrics':{'A':[{'ItemCollectionKey':{'pk':{'S':'2'}},'SizeEstimateRangeGB':[0.0,1.0]}]},"
            + "'ConsumedCapacity':[{'TableName':'A','CapacityUnits':2.0,'LocalSecondaryIndexes':{'i':{'CapacityUnits':2.0}}}]}")));

    assertThat(merged).isEqualTo(json("{'UnprocessedItems':{},'ItemCollectionMetrics':{'A':[{'ItemCollectionKey':{'pk':{'S':'1'}},'SizeEstimateRangeGB':[0.0,1.0]},"
        + "{'ItemCollectionKey':{'pk':{'S':'2'}},'SizeEstimateRangeGB':[0.0,1.0]}]},"
        + "'ConsumedCapacity':[{'TableName':'A','CapacityUnits':3.0,'LocalSecondaryIndexes':{'i':{'CapacityUnits':3.0}}}]}"));
  }
}
