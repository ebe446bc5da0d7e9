package io.dynaccel.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dynaccel.localstack.Dynalite;
import io.dynaccel.localstack.DynamoDbEmulatorExtension;
import io.dynaccel.server.it.conformance.ConformanceCorpus;
import io.dynaccel.server.it.conformance.ConformanceCorpus.Entry;
import io.dynaccel.server.it.conformance.ConformanceRecorder;
import io.dynaccel.server.it.conformance.ConformanceTables;
import io.dynaccel.server.it.conformance.SignedJsonClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Replays the recorded conformance corpus through the accelerator, in front of the same dynalite it was recorded
 * from, and compares every answer with the recorded one: status, {@code __type}, message and the whole body as JSON
 * values, after the normalisation {@link ConformanceCorpus} documents. The corpus is sent twice in the recorded order,
 * first with an empty cache and then with the cache the first pass filled, and both passes must answer as dynalite
 * did: an answer never depends on what the cache holds. Record the corpus again with {@link ConformanceRecorder}.
 * {@link WriteBackConformanceIT} replays it with every table written back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConformanceIT {

  private static final int SHOWN_CHARACTERS = 400;

  // The corpus holds dynalite's answers, so the upstream is dynalite whatever emulator other ITs pick.
  @RegisterExtension static DynamoDbEmulatorExtension upstream = new DynamoDbEmulatorExtension(Dynalite::onFreePort);

  private static AcceleratorFixture fixture;

  /** The node's {@code --set} settings; none here, so every table has the default strategy. */
  String[] nodeSettings() {
    return new String[0];
  }

  @BeforeAll
  void start() throws Exception {
    ConformanceTables.create(new SignedJsonClient(upstream.endpoint()));
    fixture = AcceleratorFixture.start(upstream.emulator(), nodeSettings());
  }

  @AfterAll
  void stop() throws Exception {
    fixture.close();
  }

  @Test
  void corpus_whenReplayedColdThenWarm_answersAsDynaliteDid() throws Exception {
    List<Entry> corpus = corpus();
    SignedJsonClient client = new SignedJsonClient(fixture.endpoint());
    List<String> differences = new ArrayList<>();
    Map<String, Integer> perFamily = new TreeMap<>();
    Map<String, Integer> departures = new TreeMap<>();
    for (String pass : List.of("cold", "warm")) {
      long started = System.nanoTime();
      for (Entry entry : corpus) {
        HttpResponse<String> actual = client.call(entry.request().operation(), entry.request().request());
        String difference = difference(entry, actual);
        String departure = difference == null ? null : departure(entry, actual);
        if (departure != null) {
          departures.merge(departure, 1, Integer::sum);
        } else if (difference != null) {
          differences.add(pass + " " + difference);
          perFamily.merge(pass + " " + entry.request().family(), 1, Integer::sum);
        }
      }
      System.out.printf("ConformanceIT: %s pass, %d cases in %d ms%n", pass, corpus.size(), (System.nanoTime() - started) / 1_000_000);
    }
    Path report = Path.of("target", getClass().getSimpleName() + "-differences.txt");
    Files.createDirectories(report.getParent());
    Files.writeString(report, String.join("\n", differences) + "\n", StandardCharsets.UTF_8);
    System.out.printf("ConformanceIT: %d differences over two passes of %d cases, per pass and family %s; all in %s; "
            + "departures from dynalite (DynamoDB followed) %s%n",
        differences.size(), corpus.size(), perFamily, report.toAbsolutePath(), departures);

    assertThat(differences).as("answers through the accelerator that differ from dynalite's recorded ones").isEmpty();
  }

  /**
   * The name of the documented way dynalite departs from DynamoDB that explains why {@code actual}
   * differs from the recorded answer, or null if none does: none here, where dynalite answers
   * every call behind the node.
   */
  String departure(Entry entry, HttpResponse<String> actual) throws IOException {
    return null;
  }

  private static List<Entry> corpus() throws IOException {
    String version = ConformanceCorpus.installedDynaliteVersion();
    String resource = "/conformance/" + ConformanceCorpus.fileName(version);
    try (InputStream in = ConformanceIT.class.getResourceAsStream(resource)) {
      assertThat(in).as("no corpus %s for the installed dynalite %s: record one with ConformanceRecorder", resource, version).isNotNull();
      List<Entry> corpus = ConformanceCorpus.read(in);
      assertThat(corpus).hasSizeGreaterThanOrEqualTo(500);
      return corpus;
    }
  }

  /** What differs between the recorded answer and {@code actual}, or null if nothing does. */
  private static String difference(Entry entry, HttpResponse<String> actual) {
    JsonNode expected = entry.answer();
    JsonNode got = ConformanceCorpus.normalised(entry.request().operation(), actual.body());
    if (entry.status() == actual.statusCode() && expected.equals(got)) {
      return null;
    }
    List<String> parts = new ArrayList<>();
    if (entry.status() != actual.statusCode()) {
      parts.add("status " + entry.status() + " -> " + actual.statusCode());
    }
    if (!expected.path("__type").equals(got.path("__type"))) {
      parts.add("__type " + expected.path("__type") + " -> " + got.path("__type"));
    }
    if (!message(expected).equals(message(got))) {
      parts.add("message " + message(expected) + " -> " + message(got));
    }
    if (parts.isEmpty()) {
      parts.add("body");
    }
    return entry.request().id() + " [" + entry.request().family() + "]: " + String.join("; ", parts)
        + "\n    request:  " + shortened(entry.request().request())
        + "\n    expected: " + entry.status() + " " + shortened(expected.toString())
        + "\n    actual:   " + actual.statusCode() + " " + shortened(got.toString());
  }

  /** DynamoDB spells the member {@code message} or, for some exceptions, {@code Message}. */
  private static JsonNode message(JsonNode answer) {
    return answer.has("message") ? answer.path("message") : answer.path("Message");
  }

  private static String shortened(String text) {
    return text.length() <= SHOWN_CHARACTERS ? text
        : text.substring(0, SHOWN_CHARACTERS) + "... (" + text.length() + " characters)";
  }
}
