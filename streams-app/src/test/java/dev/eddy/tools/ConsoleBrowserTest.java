package dev.eddy.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eddy.app.EddyApp;
import dev.eddy.config.EddyConfig;
import dev.eddy.it.EmbeddedKafka;
import dev.eddy.it.KafkaReads;
import dev.eddy.it.TrainedModel;
import dev.eddy.schema.TrainingEvent;
import dev.eddy.schema.TrainingMetrics;
import dev.eddy.serde.AvroSerdes;
import java.awt.image.BufferedImage;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.text.NumberFormat;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live console in a real browser (Debian's headless {@code chromium}) against an application that trained on the
 * embedded broker: after the page's scripts ran, {@code /} has the model's row with the step count {@code /models}
 * reports, {@code /?model=<id>} has drawn its three charts with every history point, an event's detail shows as text
 * (an event with markup in its detail is written to the topic for this), and an unknown id names the known models.
 * Screenshots go to {@code target/console/}. Skipped, with the reason, where chromium is not installed.
 */
class ConsoleBrowserTest {

    @RegisterExtension
    static final EmbeddedKafka kafka = new EmbeddedKafka();

    private static final String MODEL = TrainedModel.MODEL;
    private static final int EXAMPLES = 3 * 569;
    private static final Path SCREENSHOTS = Path.of("target", "console");
    /** The training-loss curve's colour in console.js. */
    private static final int TRAIN_LOSS_RGB = 0x1f77b4;

    private static final String MARKUP = "<img src=x onerror=alert(1)> & \"quoted\"";

    @TempDir
    Path dir;

    @Test
    void drawsTheModelsTableAndAModelsCharts() throws Exception {
        Optional<Chromium> found = Chromium.find();
        Assumptions.assumeTrue(
                found.isPresent(),
                "chromium is not on the PATH (Debian package chromium; .ci/run installs it): the console is not"
                        + " rendered");
        Chromium chromium = found.get();
        EddyConfig config = TrainedModel.config("console", kafka.bootstrapServers(), dir);
        EddyApp.createTopics(config);
        TrainedModel.produce(config, EXAMPLES);
        try (EddyApp app = EddyApp.start(config, new InetSocketAddress("127.0.0.1", 0))) {
            assertThat(app.awaitRunning(Duration.ofSeconds(60))).isTrue();
            TrainedModel.awaitTrained(app, kafka.admin(), EXAMPLES);
            TrainedModel.awaitHistory(app, config);
            URI history = app.modelsUri().resolve("/models/" + MODEL + "/history");
            JsonNode points = TrainedModel.json(history).get("points");
            long lastExamples = points.get(points.size() - 1).get("examples").asLong();
            writeEvent(config, lastExamples);
            KafkaReads.await(
                    Duration.ofSeconds(30),
                    "the event in the history",
                    () -> TrainedModel.json(history).get("events").size() == 1);
            long steps = TrainedModel.json(app.modelsUri().resolve("/models/" + MODEL))
                    .get("steps")
                    .asLong();

            String table = chromium.dumpDom(app.consoleUri(), 5000);
            assertThat(table).contains("<tr data-model=\"" + MODEL + "\">").contains("data-table-ready=");
            Matcher stepsCell = Pattern.compile(
                            "<tr data-model=\"" + MODEL + "\">.*?<td data-field=\"steps\"[^>]*>([^<]*)</td>")
                    .matcher(table);
            assertThat(stepsCell.find()).as(table).isTrue();
            assertThat(stepsCell.group(1))
                    .isEqualTo(NumberFormat.getIntegerInstance(Locale.ENGLISH).format(steps));

            URI modelPage = app.consoleUri().resolve("/?model=" + MODEL);
            String charts = chromium.dumpDom(modelPage, 5000);
            for (String chart : new String[] {"loss", "metric", "lr"}) {
                assertThat(charts)
                        .as(chart)
                        .containsPattern("id=\"chart-" + chart + "\" data-drawn=\"" + points.size() + "\"");
            }
            assertThat(charts).contains("<canvas").contains("data-charts-ready=");
            assertThat(charts)
                    .as("the event's detail is text, not markup")
                    .contains("&lt;img src=x onerror=alert(1)&gt; &amp; \"quoted\"")
                    .doesNotContain("<img src=x");

            String unknown = chromium.dumpDom(app.consoleUri().resolve("/?model=nosuch"), 3000);
            assertThat(unknown).contains("no model nosuch; known: <a href=\"/?model=" + MODEL + "\">" + MODEL + "</a>");

            Path png = SCREENSHOTS.resolve("console-model.png");
            chromium.screenshot(modelPage, 5000, 1280, 900, png);
            BufferedImage image = ImageIO.read(png.toFile());
            assertThat(image.getWidth()).isEqualTo(1280);
            assertThat(image.getHeight()).isEqualTo(900);
            assertThat(pixels(image, TRAIN_LOSS_RGB))
                    .as("pixels of the training-loss curve")
                    .isGreaterThan(100);
            chromium.screenshot(app.consoleUri(), 3000, 1280, 400, SCREENSHOTS.resolve("console-models.png"));
            System.out.println("console screenshots: " + SCREENSHOTS.toAbsolutePath());
        }
    }

    /** A drift event with markup in its detail, as the trainer would publish one after the last point. */
    private static void writeEvent(EddyConfig config, long examples) throws Exception {
        TrainingMetrics event = TrainingMetrics.newBuilder()
                .setModelId(MODEL)
                .setStep(examples / 32)
                .setExamplesSeen(examples)
                .setTrainLoss(0.1)
                .setLearningRate(0.001)
                .setGradientNorm(Double.NaN)
                .setEvent(new TrainingEvent("drift", MARKUP))
                .setTime(Instant.now())
                .build();
        try (KafkaProducer<String, TrainingMetrics> p = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers()),
                new StringSerializer(),
                AvroSerdes.trainingMetrics().serializer())) {
            p.send(new ProducerRecord<>(config.topics().metrics(), MODEL, event))
                    .get();
        }
    }

    /** Pixels within a small distance of {@code rgb} (anti-aliased strokes vary a little). */
    private static int pixels(BufferedImage image, int rgb) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int p = image.getRGB(x, y);
                int d = Math.abs(((p >> 16) & 0xff) - ((rgb >> 16) & 0xff))
                        + Math.abs(((p >> 8) & 0xff) - ((rgb >> 8) & 0xff))
                        + Math.abs((p & 0xff) - (rgb & 0xff));
                if (d < 40) {
                    n++;
                }
            }
        }
        return n;
    }
}
