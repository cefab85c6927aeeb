package dev.eddy.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.app.EddyApp;
import dev.eddy.config.EddyConfig;
import dev.eddy.it.EmbeddedKafka;
import dev.eddy.it.KafkaReads;
import dev.eddy.it.TrainedModel;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an open console costs when nothing changes, in Debian's headless {@code chromium} driven over DevTools, against
 * an application that trained to the end of its examples: {@code /} and {@code /?model=<id>}, each in its own window,
 * keep polling (once a second) but write nothing to the page (no DOM mutation: cells are written only when their text
 * changes, the status line only when the status does, a chart redraws only for new points); hidden (another tab
 * brought to the front of each window) they make no request at all; shown again they poll at once. The page's own
 * resource timing counts its requests, a {@code MutationObserver} its writes. Skipped, with the reason, where chromium
 * is not installed.
 */
class ConsoleIdleTest {

    @RegisterExtension
    static final EmbeddedKafka kafka = new EmbeddedKafka();

    private static final String MODEL = TrainedModel.MODEL;
    private static final int EXAMPLES = 569;
    private static final Duration WATCH = Duration.ofMillis(3500);

    /** Counts the page's DOM writes from now on, and keeps every resource timing entry. */
    private static final String OBSERVE = "performance.setResourceTimingBufferSize(100000); window.writes = 0;"
            + " new MutationObserver((records) => { window.writes += records.length; }).observe(document.body,"
            + " {subtree: true, childList: true, attributes: true, characterData: true}); true";

    /** The page's requests so far (its fetches of the application's JSON). */
    private static final String REQUESTS =
            "performance.getEntriesByType('resource').filter((e) => e.initiatorType === 'fetch').length";

    @TempDir
    Path dir;

    @Test
    void anIdlePageWritesNothingAndAHiddenPageRequestsNothing() throws Exception {
        Assumptions.assumeTrue(
                HeadlessChromium.find().isPresent(),
                "chromium is not on the PATH (Debian package chromium; .ci/run installs it): the console is not"
                        + " rendered");
        EddyConfig config = TrainedModel.config("console-idle", kafka.bootstrapServers(), dir);
        EddyApp.createTopics(config);
        TrainedModel.produce(config, EXAMPLES);
        try (EddyApp app = EddyApp.start(config, new InetSocketAddress("127.0.0.1", 0));
                HeadlessChromium chromium = HeadlessChromium.start()) {
            assertThat(app.awaitRunning(Duration.ofSeconds(60))).isTrue();
            TrainedModel.awaitTrained(app, kafka.admin(), EXAMPLES);
            int points = TrainedModel.awaitHistory(app, config);

            HeadlessChromium.Page table = chromium.openWindow();
            HeadlessChromium.Page tableCover = chromium.openBackgroundTab();
            HeadlessChromium.Page charts = chromium.openWindow();
            HeadlessChromium.Page chartsCover = chromium.openBackgroundTab();
            table.navigate(app.consoleUri());
            charts.navigate(app.consoleUri().resolve("/?model=" + MODEL));
            await(table, "document.querySelector('#models tr[data-model=\"" + MODEL + "\"]') !== null && live()");
            await(charts, "document.querySelectorAll('[data-drawn=\"" + points + "\"]').length === 3 && live()");
            List<HeadlessChromium.Page> pages = List.of(table, charts);

            for (HeadlessChromium.Page p : pages) {
                assertThat(p.evaluate("document.visibilityState").asText()).isEqualTo("visible");
                p.evaluate(OBSERVE);
            }
            long[] before = requests(pages);
            Thread.sleep(WATCH.toMillis());
            long[] visible = requests(pages);
            for (int i = 0; i < pages.size(); i++) {
                assertThat(visible[i] - before[i])
                        .as("requests of page %d while visible (two a poll)", i)
                        .isGreaterThanOrEqualTo(2);
                assertThat(pages.get(i).evaluate("window.writes").asInt())
                        .as("DOM writes of page %d with nothing new", i)
                        .isZero();
            }

            tableCover.activate();
            chartsCover.activate();
            for (HeadlessChromium.Page p : pages) {
                assertThat(p.evaluate("document.visibilityState").asText()).isEqualTo("hidden");
            }
            Thread.sleep(1500); // a request already under way when the page was hidden ends (a loaded machine is slow)
            long[] hiding = requests(pages);
            Thread.sleep(WATCH.toMillis());
            assertThat(requests(pages)).as("requests while hidden").containsExactly(hiding);

            table.activate();
            charts.activate();
            for (int i = 0; i < pages.size(); i++) {
                HeadlessChromium.Page p = pages.get(i);
                assertThat(p.evaluate("document.visibilityState").asText()).isEqualTo("visible");
                long hidden = hiding[i];
                KafkaReads.await(Duration.ofSeconds(5), "a request of page " + i + " once shown", () -> {
                    try {
                        return p.evaluate(REQUESTS).asLong() > hidden;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
            }
        }
    }

    private static long[] requests(List<HeadlessChromium.Page> pages) throws Exception {
        long[] out = new long[pages.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = pages.get(i).evaluate(REQUESTS).asLong();
        }
        return out;
    }

    /** Waits until {@code condition} (where {@code live()} is the connection line saying so) holds in the page. */
    private static void await(HeadlessChromium.Page page, String condition) throws InterruptedException {
        String expression = "(() => { const live = () => (document.getElementById('connection') || {}).textContent"
                + " === 'live'; return " + condition + "; })()";
        KafkaReads.await(Duration.ofSeconds(30), condition, () -> {
            try {
                return page.evaluate(expression).asBoolean();
            } catch (Exception e) {
                return false;
            }
        });
    }
}
