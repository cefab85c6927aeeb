package dev.eddy.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eddy.app.EddyApp;
import dev.eddy.config.EddyConfig;
import dev.eddy.it.EmbeddedKafka;
import dev.eddy.it.KafkaReads;
import dev.eddy.it.TrainedModel;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live console across an application restart, in Debian's headless {@code chromium} driven over DevTools (wall
 * clock, two windows left open: {@code /} and {@code /?model=<id>}). The application trains, is stopped, and a new
 * one starts on the same port and state directory. Sampled every 100 ms throughout: neither page is ever blank, the
 * table keeps the model's row with its steps and served version (also while the restarted application's
 * {@code /models} answers 503), the charts keep every point they drew; while the application is down both say
 * "reconnecting…". After the restart both are live again, the charts show the restarted application's history (a new
 * run, refilled from the training-metrics topic) and then its new points when more examples arrive. Skipped, with the
 * reason, where chromium is not installed.
 */
class ConsoleRestartTest {

    @RegisterExtension
    static final EmbeddedKafka kafka = new EmbeddedKafka();

    private static final String MODEL = TrainedModel.MODEL;
    private static final int EXAMPLES = 2 * 569;
    private static final Path SCREENSHOTS = Path.of("target", "console");
    private static final Duration SAMPLE = Duration.ofMillis(100);

    /** The table page as the test reads it: the connection line, the main area's text, the model's cells. */
    private static final String TABLE = "(() => { const row = document.querySelector('#models tr[data-model=\"" + MODEL
            + "\"]'); const cell = (f) => row ? row.querySelector('[data-field=' + f + ']').textContent : null;"
            + " return {connection: (document.getElementById('connection') || {}).textContent || '',"
            + " text: (document.getElementById('main') || {innerText: ''}).innerText.trim().length, steps: cell('steps'),"
            + " version: cell('version')}; })()";

    /** The model page as the test reads it: the connection line, the points each chart drew, its canvases. */
    private static final String CHARTS =
            "(() => ({connection: (document.getElementById('connection') || {}).textContent || '',"
                    + " drawn: ['loss', 'metric', 'lr'].map((c) => { const e = document.getElementById('chart-' + c);"
                    + " return e && e.dataset.drawn ? Number(e.dataset.drawn) : 0; }),"
                    + " canvases: document.querySelectorAll('#main canvas').length}))()";

    @TempDir
    Path dir;

    @Test
    void keepsWhatItShowsWhileTheApplicationRestartsAndFollowsTheRestartedOne() throws Exception {
        Assumptions.assumeTrue(
                HeadlessChromium.find().isPresent(),
                "chromium is not on the PATH (Debian package chromium; .ci/run installs it): the console is not"
                        + " rendered");
        EddyConfig config = TrainedModel.config("console-restart", kafka.bootstrapServers(), dir);
        EddyApp.createTopics(config);
        TrainedModel.produce(config, EXAMPLES);
        try (HeadlessChromium chromium = HeadlessChromium.start()) {
            HeadlessChromium.Page table = chromium.openWindow();
            HeadlessChromium.Page charts = chromium.openWindow();
            InetSocketAddress address;
            Shown before;
            try (EddyApp app = EddyApp.start(config, new InetSocketAddress("127.0.0.1", 0))) {
                assertThat(app.awaitRunning(Duration.ofSeconds(60))).isTrue();
                TrainedModel.awaitTrained(app, kafka.admin(), EXAMPLES);
                TrainedModel.awaitHistory(app, config);
                address = new InetSocketAddress("127.0.0.1", app.consoleUri().getPort());
                table.navigate(app.consoleUri());
                charts.navigate(app.consoleUri().resolve("/?model=" + MODEL));
                // What the application reports is read at every sample: its served version can still arrive after
                // the examples are committed (serving reads the snapshot topic on its own thread).
                Shown[] reported = new Shown[1];
                awaitPages(table, charts, "both pages live with what the application reports", (t, c) -> {
                    Shown now = reported(app);
                    reported[0] = now;
                    return t.path("connection").asText().equals("live")
                            && now.steps.equals(t.path("steps").asText())
                            && now.version.equals(t.path("version").asText())
                            && drawn(c).stream().allMatch(n -> n == now.points);
                });
                before = reported[0];
            }

            awaitPages(table, charts, "both pages reconnecting", (t, c) -> {
                checkNotBlank(t, c, before);
                return reconnecting(t) && reconnecting(c);
            });
            long downUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            awaitPages(table, charts, "2 s with the application down", (t, c) -> {
                checkNotBlank(t, c, before);
                assertThat(reconnecting(t) && reconnecting(c)).as("%s %s", t, c).isTrue();
                return System.nanoTime() > downUntil;
            });
            table.screenshot(SCREENSHOTS.resolve("console-restart-models-down.png"));
            charts.screenshot(SCREENSHOTS.resolve("console-restart-model-down.png"));

            try (EddyApp app = EddyApp.start(config, address)) {
                assertThat(app.consoleUri().getPort()).isEqualTo(address.getPort());
                List<String> seen = awaitPages(table, charts, "both pages live again", (t, c) -> {
                    checkNotBlank(t, c, before);
                    return t.path("connection").asText().equals("live")
                            && c.path("connection").asText().equals("live");
                });
                System.out.println("console across the restart (distinct states of the two pages):\n  "
                        + String.join("\n  ", seen));
                assertThat(app.awaitRunning(Duration.ofSeconds(60))).isTrue();
                URI history = app.modelsUri().resolve("/models/" + MODEL + "/history");
                KafkaReads.await(
                        Duration.ofSeconds(30),
                        "the restarted application's history refilled from the topic",
                        () -> TrainedModel.json(history).get("points").size() == before.points);
                awaitPages(table, charts, "the charts drawing the refilled history", (t, c) -> {
                    checkNotBlank(t, c, before);
                    return drawn(c).stream().allMatch(n -> n == before.points);
                });

                TrainedModel.produce(config, 569);
                KafkaReads.await(
                        Duration.ofSeconds(60),
                        "the restarted application's new points",
                        () -> TrainedModel.json(history).get("points").size() > before.points);
                awaitPages(table, charts, "the charts drawing the new points", (t, c) -> {
                    checkNotBlank(t, c, before);
                    int now = TrainedModel.json(history).get("points").size();
                    return now > before.points && drawn(c).stream().allMatch(n -> n == now);
                });
            }
        }
    }

    /** What the pages showed before the restart: the table's steps and served version, each chart's points. */
    private record Shown(String steps, String version, int points) {}

    /** What {@code app} reports now of {@value TrainedModel#MODEL}, as the pages show it. */
    private static Shown reported(EddyApp app) {
        JsonNode status = TrainedModel.json(app.modelsUri().resolve("/models/" + MODEL));
        return new Shown(
                String.format(Locale.ENGLISH, "%,d", status.get("steps").asLong()),
                status.get("acceptedVersion").asText(),
                TrainedModel.json(app.modelsUri().resolve("/models/" + MODEL + "/history"))
                        .get("points")
                        .size());
    }

    /**
     * Neither page blank, nothing it showed lost: the row with its steps, the three charts with at least the points
     * they drew; while the application is down or its {@code /models} answers 503 (a restarted application restoring
     * its stores), the served version shown before. (A live {@code /models} of the restarted application may report
     * no served version yet: then the table says so.)
     */
    private static void checkNotBlank(JsonNode t, JsonNode c, Shown before) {
        assertThat(t.path("text").asInt()).as("text on / (%s)", t).isPositive();
        assertThat(t.path("steps").asText()).as("steps on / (%s)", t).isNotIn("", "–");
        if (!t.path("connection").asText().equals("live")) {
            assertThat(t.path("version").asText())
                    .as("the served version on / while the statuses are not answered (%s)", t)
                    .isEqualTo(before.version);
        }
        assertThat(c.path("canvases").asInt()).as("charts on /?model (%s)", c).isEqualTo(3);
        assertThat(drawn(c)).as("points drawn on /?model (%s)", c).allMatch(n -> n >= before.points);
    }

    private static boolean reconnecting(JsonNode page) {
        return page.path("connection").asText().equals("reconnecting…");
    }

    private static List<Integer> drawn(JsonNode c) {
        List<Integer> out = new ArrayList<>();
        c.path("drawn").forEach(n -> out.add(n.asInt()));
        return out;
    }

    @FunctionalInterface
    private interface PagesCheck {
        boolean holds(JsonNode table, JsonNode charts) throws Exception;
    }

    /**
     * Samples both pages every {@link #SAMPLE} until {@code check} holds (it may assert on every sample); returns the
     * distinct states seen, in order.
     */
    private static List<String> awaitPages(
            HeadlessChromium.Page table, HeadlessChromium.Page charts, String what, PagesCheck check) throws Exception {
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            JsonNode t = table.evaluate(TABLE);
            JsonNode c = charts.evaluate(CHARTS);
            String state = t + " " + c;
            if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(state)) {
                seen.add(state);
            }
            if (check.holds(t, c)) {
                return seen;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 90 s: " + what + "; seen:\n  " + String.join("\n  ", seen));
            }
            Thread.sleep(SAMPLE.toMillis());
        }
    }
}
