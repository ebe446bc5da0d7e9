package io.dynaccel.server.it.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ConformanceCasesTest {

  @Test
  void all_whenGenerated_hasMoreThan500CasesWithUniqueIds() {
    List<ConformanceCase> cases = ConformanceCases.all();

    assertThat(cases).hasSizeGreaterThan(500);
    assertThat(cases.stream().map(ConformanceCase::id).distinct().count()).isEqualTo(cases.size());
    assertThat(cases).allSatisfy(c -> assertThat(c.id()).startsWith(c.family() + "/" + c.operation() + "/"));
  }

  @Test
  void all_whenGenerated_coversEveryOperationDynaliteServes() {
    Set<String> operations = ConformanceCases.all().stream().map(ConformanceCase::operation).collect(Collectors.toSet());

    assertThat(operations).contains("GetItem", "PutItem", "UpdateItem", "DeleteItem", "BatchGetItem", "BatchWriteItem", "Query",
        "Scan", "CreateTable", "DescribeTable", "UpdateTable", "DeleteTable", "ListTables", "TagResource", "UntagResource",
        "ListTagsOfResource", "DescribeTimeToLive", "UpdateTimeToLive", "DescribeLimits", "DescribeEndpoints",
        "TransactWriteItems", "TransactGetItems", "ExecuteStatement");
  }

  @Test
  void all_whenGeneratedTwice_givesTheSameCasesInTheSameOrder() {
    assertThat(ConformanceCases.all()).isEqualTo(ConformanceCases.all());
  }
}
