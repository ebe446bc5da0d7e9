package io.dynaccel.bench.jmh;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dynaccel.server.expression.LocalWrites;
import io.dynaccel.server.expression.ParsedExpressions;
import io.dynaccel.server.expression.WriteOutcome;
import io.dynaccel.server.table.KeySchema;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The local expression engine on the two writes write-back cares most about: a counter update
 * ({@code SET a = a + :one} on a 1 KB item) and a conditional put ({@code attribute_not_exists(pk)
 * OR version = :v}). Each is measured with the parse cached (the steady state) and with a fresh
 * parse, the latter through a new, empty parse cache per call, whose construction it includes; the
 * baseline is a deep copy of the same 1 KB item, which every update makes anyway.
 *
 * <p>Run with {@code bench/run.sh jmh ExpressionBenchmark} (add {@code -f 1 -wi 3 -i 5} for a quicker run).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ExpressionBenchmark {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final KeySchema KEYS = new KeySchema("pk", "S", null, null);

  private ObjectNode item;
  private ObjectNode counterUpdate;
  private ObjectNode conditionalPut;
  private LocalWrites cachedEngine;

  /** Builds a 1 KB item and the two requests once. */
  @Setup
  public void setUp() throws Exception {
    item = (ObjectNode) JSON.readTree("{\"pk\":{\"S\":\"user-00000042\"},\"a\":{\"N\":\"41\"},\"version\":{\"N\":\"7\"},"
        + "\"tags\":{\"SS\":[\"x\",\"y\"]},\"payload\":{\"S\":\"" + "x".repeat(900) + "\"}}");
    counterUpdate = (ObjectNode) JSON.readTree("{\"TableName\":\"Users\",\"Key\":{\"pk\":{\"S\":\"user-00000042\"}},"
        + "\"UpdateExpression\":\"SET a = a + :one\",\"ExpressionAttributeValues\":{\":one\":{\"N\":\"1\"}}}");
    ObjectNode newItem = item.deepCopy();
    newItem.set("version", JSON.createObjectNode().put("N", "8"));
    conditionalPut = JSON.createObjectNode().put("TableName", "Users");
    conditionalPut.set("Item", newItem);
    conditionalPut.put("ConditionExpression", "attribute_not_exists(pk) OR version = :v");
    conditionalPut.set("ExpressionAttributeValues", JSON.readTree("{\":v\":{\"N\":\"7\"}}"));
    cachedEngine = new LocalWrites(new ParsedExpressions(1000));
    if (!(cachedEngine.updateItem(counterUpdate, KEYS, item) instanceof WriteOutcome.Applied)
        || !(cachedEngine.putItem(conditionalPut, KEYS, item) instanceof WriteOutcome.Applied)) {
      throw new IllegalStateException("benchmark requests must succeed");
    }
  }

  /** Baseline: one deep copy of the 1 KB item. */
  @Benchmark
  public ObjectNode baseline_copyItem() {
    return item.deepCopy();
  }

  /** Counter update, expression already parsed: check, evaluate, apply, build the response. */
  @Benchmark
  public WriteOutcome counterUpdate_evaluate() {
    return cachedEngine.updateItem(counterUpdate, KEYS, item);
  }

  /** Counter update with a parse of the expression text first. */
  @Benchmark
  public WriteOutcome counterUpdate_parseAndEvaluate() {
    return new LocalWrites(new ParsedExpressions(1)).updateItem(counterUpdate, KEYS, item);
  }

  /** Conditional put, expression already parsed. */
  @Benchmark
  public WriteOutcome conditionalPut_evaluate() {
    return cachedEngine.putItem(conditionalPut, KEYS, item);
  }

  /** Conditional put with a parse of the condition text first. */
  @Benchmark
  public WriteOutcome conditionalPut_parseAndEvaluate() {
    return new LocalWrites(new ParsedExpressions(1)).putItem(conditionalPut, KEYS, item);
  }
}
