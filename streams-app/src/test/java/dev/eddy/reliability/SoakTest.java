package dev.eddy.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.eddy.app.EddyApp;
import dev.eddy.broker.EmbeddedBroker;
import dev.eddy.config.EddyConfig;
import dev.eddy.io.ExampleProducer;
import dev.eddy.it.AppProcess;
import dev.eddy.it.KafkaReads;
import dev.eddy.it.Runs;
import dev.eddy.it.TrainingStreams;
import dev.eddy.schema.Example;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Load (issue 8), {@code -Dsoak=true} only: the whole elec2 file is streamed through {@code eddy run} again and again
 * (each round's ids made unique) for {@code -Dsoak.seconds} (default 120; past 10 minutes raise JUnit's default
 * timeout too, e.g. {@code -Dtest.timeout="2 h"}), the producer staying at most one round
 * ahead of the application. Every second {@code /metrics} is scraped for the heap in use ({@code
 * jvm_memory_used_bytes{area="heap"}}, summed over the pools) and the examples trained; every five seconds a row
 * prints the throughput and the lowest heap of the window (a young collection runs several times a second at this
 * rate, so the low approximates the heap after collection) and the old generation's size after the last major
 * collection ({@code jvm_gc_live_data_size_bytes}). The heap must stay flat: after a 10 s warm-up, the medians of
 * both over the last third of the windows are within 1.5x of those over the first third.
 */
class SoakTest {

    private static final String MODEL = "m";
    private static final String APP = "soak-test";
    private static final String EXAMPLES_TOPIC = "soak.examples";
    private static final int SECONDS = Integer.getInteger("soak.seconds", 120);
    /** Every row of elec2 (the limit TrainingStreams.elec2 sizes its list with). */
    private static final int ELEC2_ROWS = 45_312;

    private static final int WINDOW_SECONDS = 5;
    private static final int WARM_UP_SECONDS = 10;
    private static final Pattern SAMPLE = Pattern.compile("^(\\w+)(\\{[^}]*})? (\\S+)$");

    @TempDir
    Path dir;

    @Test
    void heapStaysFlatWhileElec2IsReplayed() throws Exception {
        assumeTrue(Boolean.getBoolean("soak"), "soak mode is off: run with -Dsoak=true [-Dsoak.seconds=120]");
        assumeTrue(Files.exists(TrainingStreams.ELEC2), "elec2 is absent at " + TrainingStreams.ELEC2.toAbsolutePath());
        List<Example> rows = TrainingStreams.elec2(ELEC2_ROWS, MODEL).examples();
        HttpClient http = HttpClient.newHttpClient();
        try (EmbeddedBroker broker = EmbeddedBroker.start(0, null);
                Admin admin =
                        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            Map<String, String> settings = settings(broker);
            EddyApp.createTopics(EddyConfig.of(settings));
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong produced = new AtomicLong();
            Thread producer = new Thread(() -> replay(broker, admin, rows, stop, produced), "soak-producer");
            try (AppProcess app = AppProcess.start(
                    dir.resolve("soak.log"), Runs.STATE_LOGGING, Runs.args(settings, dir.resolve("state")))) {
                URI metrics = app.awaitMetricsUri(Duration.ofSeconds(90));
                producer.start();
                List<double[]> windows = new ArrayList<>(); // {seconds, examples/s, heap low, heap high, live}
                System.out.printf("soak: elec2 (%d rows) replayed for %d s%n", rows.size(), SECONDS);
                System.out.println("    t s   examples   examples/s   heap low MB   heap high MB   live MB   produced");
                long t0 = System.nanoTime();
                double lastExamples = 0;
                for (int w = 1; w * WINDOW_SECONDS <= SECONDS; w++) {
                    double low = Double.MAX_VALUE;
                    double high = 0;
                    double examples = lastExamples;
                    double live = 0;
                    for (int s = 0; s < WINDOW_SECONDS; s++) {
                        Thread.sleep(Math.max(
                                0,
                                t0 / 1_000_000
                                        + ((w - 1) * WINDOW_SECONDS + s + 1) * 1000L
                                        - System.nanoTime() / 1_000_000));
                        assertThat(app.isAlive()).as(app.log()).isTrue();
                        Map<String, Double> m = scrape(http, metrics);
                        double heap = m.getOrDefault("heap", 0.0) / (1 << 20);
                        low = Math.min(low, heap);
                        high = Math.max(high, heap);
                        examples = m.getOrDefault("examples", examples);
                        live = m.getOrDefault("live", 0.0) / (1 << 20);
                    }
                    double rate = (examples - lastExamples) / WINDOW_SECONDS;
                    lastExamples = examples;
                    windows.add(new double[] {w * WINDOW_SECONDS, rate, low, high, live});
                    System.out.printf(
                            "  %5d  %9.0f  %11.0f  %12.1f  %13.1f  %8.1f  %9d%n",
                            w * WINDOW_SECONDS, examples, rate, low, high, live, produced.get());
                }
                stop.set(true);
                producer.join(30_000);
                assertThat(app.stop(Duration.ofSeconds(60))).as(app.log()).isEqualTo(AppProcess.EXIT_SIGTERM);

                List<double[]> steady =
                        windows.stream().filter(r -> r[0] > WARM_UP_SECONDS).toList();
                int third = Math.max(1, steady.size() / 3);
                double firstLow = median(steady.subList(0, third), 2);
                double lastLow = median(steady.subList(steady.size() - third, steady.size()), 2);
                double firstLive = median(steady.subList(0, third), 4);
                double lastLive = median(steady.subList(steady.size() - third, steady.size()), 4);
                double firstRate = median(steady.subList(0, third), 1);
                double lastRate = median(steady.subList(steady.size() - third, steady.size()), 1);
                System.out.printf(
                        "soak summary: heap low median %.1f MB (first third) -> %.1f MB (last third), ratio %.2f; old"
                                + " generation live after the last major collection %.1f -> %.1f MB; throughput median"
                                + " %.0f -> %.0f examples/s; %d examples produced%n",
                        firstLow,
                        lastLow,
                        lastLow / firstLow,
                        firstLive,
                        lastLive,
                        firstRate,
                        lastRate,
                        produced.get());
                if (firstLive > 0) {
                    assertThat(lastLive).as("live data after major collections").isLessThanOrEqualTo(1.5 * firstLive);
                }
                assertThat(lastLow)
                        .as("heap after collection, last third vs first third")
                        .isLessThanOrEqualTo(1.5 * firstLow);
                assertThat(lastRate).as("throughput keeps up").isGreaterThan(0.5 * firstRate);
            } finally {
                stop.set(true);
                producer.join(30_000);
            }
        }
    }

    private static Map<String, String> settings(EmbeddedBroker broker) {
        Map<String, String> s = new HashMap<>();
        s.put("application.id", APP);
        s.put("bootstrap.servers", broker.bootstrapServers());
        s.put("topic.examples", EXAMPLES_TOPIC);
        s.put("topic.snapshots", "soak.snapshots");
        s.put("topic.metrics", "soak.metrics");
        s.put("topic.dead-letters", "soak.dlq");
        s.put("topic.commands", "soak.commands");
        s.put("model." + MODEL + ".input-size", "8");
        s.put("model." + MODEL + ".layers", "32:relu,16:relu,1:sigmoid");
        s.put("model." + MODEL + ".batch-size", "32");
        s.put("model." + MODEL + ".early-stopping.enabled", "false");
        return s;
    }

    /** Produces elec2 round after round (ids made unique per round) while the group's lag is under one round. */
    private static void replay(
            EmbeddedBroker broker, Admin admin, List<Example> rows, AtomicBoolean stop, AtomicLong produced) {
        try (ExampleProducer producer = new ExampleProducer(broker.bootstrapServers(), EXAMPLES_TOPIC)) {
            for (int round = 0; !stop.get(); round++) {
                while (!stop.get() && round > 0 && lag(admin) > rows.size()) {
                    Thread.sleep(200);
                }
                for (int i = 0; i < rows.size() && !stop.get(); i++) {
                    Example e = rows.get(i);
                    producer.send(
                            Example.newBuilder(e).setId(e.getId() + "#" + round).build());
                    produced.incrementAndGet();
                }
                producer.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long lag(Admin admin) {
        try {
            return KafkaReads.lag(admin, APP, List.of(EXAMPLES_TOPIC));
        } catch (Exception e) {
            return Long.MAX_VALUE; // no committed offsets yet
        }
    }

    /** The heap in use (summed over the heap pools) and the examples trained (summed over models), from /metrics. */
    private static Map<String, Double> scrape(HttpClient http, URI metrics) throws Exception {
        HttpResponse<String> r =
                http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        Map<String, Double> out = new HashMap<>();
        for (String line : r.body().split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            String labels = m.group(2) == null ? "" : m.group(2);
            double value = Double.parseDouble(m.group(3));
            if (m.group(1).equals("jvm_memory_used_bytes") && labels.contains("area=\"heap\"")) {
                out.merge("heap", value, Double::sum);
            } else if (m.group(1).equals("jvm_gc_live_data_size_bytes")) {
                out.put("live", value);
            } else if (m.group(1).equals("eddy_training_examples_total")) {
                out.merge("examples", value, Double::sum);
            }
        }
        return out;
    }

    private static double median(List<double[]> rows, int column) {
        double[] v = rows.stream().mapToDouble(r -> r[column]).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
