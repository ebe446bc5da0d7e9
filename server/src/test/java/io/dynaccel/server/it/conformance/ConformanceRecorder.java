package io.dynaccel.server.it.conformance;

import io.dynaccel.localstack.Dynalite;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Records the conformance corpus: starts a fresh dynalite, creates {@link ConformanceTables}, sends every case of
 * {@link ConformanceCases} in order, twice, and writes the answers to
 * {@code src/test/resources/conformance/dynalite-<version>.jsonl}. It refuses to write when the two passes answer a
 * case differently (the case depends on state another case changed, or on time), and leaves out any case dynalite
 * answers with a 5xx or crashes on (it is restarted on the same tables), printing them: neither is DynamoDB behaviour
 * a replay could rely on.
 *
 * <p>Run it from the repository root (about 10 s):
 * <pre>{@code
 * mvn -B -o -q -pl server -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dit.test=ConformanceRecorderIT -Dfailsafe.failIfNoSpecifiedTests=false -Dconformance.record=true
 * }</pre>
 * or run {@link #main} with the {@code server} module as the working directory.
 */
public final class ConformanceRecorder {

  private static final int NO_ANSWER = 0;

  private ConformanceRecorder() {
  }

  /** Records the corpus into {@code args[0]}, or into the module's test resources when no argument is given. */
  public static void main(String[] args) throws Exception {
    Path directory = Path.of(args.length > 0 ? args[0] : "src/test/resources/conformance");
    record(directory);
  }

  /** Records the corpus into {@code directory}, named for the dynalite version, and returns the file. */
  public static Path record(Path directory) throws Exception {
    long started = System.nanoTime();
    List<ConformanceCase> cases = ConformanceCases.all();
    String version = ConformanceCorpus.installedDynaliteVersion();
    List<ConformanceCorpus.Entry> first;
    List<ConformanceCorpus.Entry> second;
    try (Dynalite dynalite = Dynalite.onFreePort()) {
      dynalite.start();
      SignedJsonClient client = new SignedJsonClient(dynalite.endpoint());
      ConformanceTables.create(client);
      first = send(dynalite, client, cases);
      second = send(dynalite, client, cases);
    }
    List<String> unstable = new ArrayList<>();
    List<ConformanceCorpus.Entry> kept = new ArrayList<>();
    Map<String, Integer> perFamily = new HashMap<>();
    for (int i = 0; i < cases.size(); i++) {
      ConformanceCorpus.Entry one = first.get(i);
      ConformanceCorpus.Entry two = second.get(i);
      if (one.status() != two.status() || !one.answer().equals(two.answer())) {
        unstable.add(cases.get(i).id() + "\n  first:  " + one.status() + " " + one.answer() + "\n  second: " + two.status() + " " + two.answer());
      } else if (one.status() >= 500 || one.status() == NO_ANSWER) {
        System.out.println("left out, dynalite answered " + one.status() + ": " + cases.get(i).id() + " " + one.answer());
      } else {
        kept.add(one);
        perFamily.merge(cases.get(i).family(), 1, Integer::sum);
      }
    }
    if (!unstable.isEmpty()) {
      throw new IllegalStateException(unstable.size() + " cases answered differently in the two passes:\n" + String.join("\n", unstable));
    }
    Path file = directory.resolve(ConformanceCorpus.fileName(version));
    ConformanceCorpus.write(file, kept);
    System.out.printf("recorded %d of %d cases from dynalite %s into %s in %d ms; per family: %s%n", kept.size(), cases.size(),
        version, file, (System.nanoTime() - started) / 1_000_000, perFamily);
    return file;
  }

  private static List<ConformanceCorpus.Entry> send(Dynalite dynalite, SignedJsonClient client, List<ConformanceCase> cases) throws Exception {
    List<ConformanceCorpus.Entry> entries = new ArrayList<>();
    for (ConformanceCase c : cases) {
      HttpResponse<String> answer;
      try {
        answer = client.call(c.operation(), c.request());
      } catch (IOException e) {
        // dynalite crashed on this case; its tables are on disk, so a restart carries on with the same state.
        dynalite.stop();
        dynalite.start();
        entries.add(new ConformanceCorpus.Entry(c, NO_ANSWER, TextNode.valueOf("dynalite crashed: " + e.getMessage())));
        continue;
      }
      entries.add(new ConformanceCorpus.Entry(c, answer.statusCode(), ConformanceCorpus.normalised(c.operation(), answer.body())));
    }
    return entries;
  }
}
