package io.dynaccel.server.it.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConformanceCorpusTest {

  @Test
  void normalised_whenAnswerHasTimesAndIds_masksTheirValuesButKeepsTheMembers() {
    JsonNode answer = ConformanceCorpus.normalised("DescribeTable",
        "{\"Table\":{\"TableId\":\"1f0c\",\"CreationDateTime\":1.7e9,\"ItemCount\":0}}");

    assertThat(answer.toString()).isEqualTo("{\"Table\":{\"TableId\":\"(volatile)\",\"CreationDateTime\":\"(volatile)\",\"ItemCount\":0}}");
  }

  @Test
  void normalised_whenSetsAndBatchResponsesComeInAnyOrder_givesTheSameValue() {
    JsonNode one = ConformanceCorpus.normalised("BatchGetItem",
        "{\"Responses\":{\"t\":[{\"k\":{\"S\":\"b\"}},{\"k\":{\"S\":\"a\"},\"ss\":{\"SS\":[\"y\",\"x\"]}}]}}");
    JsonNode other = ConformanceCorpus.normalised("BatchGetItem",
        "{\"Responses\":{\"t\":[{\"ss\":{\"SS\":[\"x\",\"y\"]},\"k\":{\"S\":\"a\"}},{\"k\":{\"S\":\"b\"}}]}}");

    assertThat(one).isEqualTo(other);
  }

  @Test
  void normalised_whenQueryItemsComeInAnotherOrder_differs() {
    JsonNode one = ConformanceCorpus.normalised("Query", "{\"Items\":[{\"k\":{\"N\":\"1\"}},{\"k\":{\"N\":\"2\"}}]}");
    JsonNode other = ConformanceCorpus.normalised("Query", "{\"Items\":[{\"k\":{\"N\":\"2\"}},{\"k\":{\"N\":\"1\"}}]}");

    assertThat(one).isNotEqualTo(other);
  }

  @Test
  void normalised_whenBodyIsNotJson_keepsItAsText() {
    assertThat(ConformanceCorpus.normalised("GetItem", "<UnknownOperationException/>\n").asText()).isEqualTo("<UnknownOperationException/>\n");
    assertThat(ConformanceCorpus.normalised("TagResource", "").asText()).isEmpty();
  }

  @Test
  void read_whenWrittenWithLongAttributeNames_givesBackTheSameEntries(@TempDir Path directory) throws Exception {
    String longName = "n".repeat(60_000);
    ConformanceCase request = new ConformanceCase("limit/GetItem/x", "limit", "GetItem", "{\"not json");
    JsonNode answer = ConformanceCorpus.normalised("GetItem", "{\"Item\":{\"" + longName + "\":{\"S\":\"v\"}}}");
    Path file = directory.resolve("corpus.jsonl");

    ConformanceCorpus.write(file, List.of(new ConformanceCorpus.Entry(request, 200, answer)));
    List<ConformanceCorpus.Entry> read = ConformanceCorpus.read(new ByteArrayInputStream(Files.readAllBytes(file)));

    assertThat(read).containsExactly(new ConformanceCorpus.Entry(request, 200, answer));
  }
}
