package dev.eddy.benchmarks.console;

// Run from the repository root (builds first):
//   benchmarks/run-console.sh
// which, after `mvn -B -q -pl benchmarks -am package -DskipTests`, runs
//   java -Xmx3g -cp benchmarks/target/benchmarks.jar dev.eddy.benchmarks.console.ConsoleBenchmark

import dev.eddy.app.EddyApp;
import dev.eddy.benchmarks.pipeline.BulkProducer;
import dev.eddy.benchmarks.pipeline.ExampleStream;
import dev.eddy.broker.EmbeddedBroker;
import dev.eddy.config.EddyConfig;
import dev.eddy.tools.HeadlessChromium;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The live console's cost (issue 18), in one run on the in-JVM broker: an application training {@code --models}
 * small models (8-32-16-1, batch 32, an evaluation every 10 steps) on one pre-produced stream whose examples name no
 * model (so every model trains on each), and Debian's headless chromium driven over DevTools.
 *
 * <ul>
 *   <li><b>time to rows</b>: from {@code Page.navigate} of {@code /} until the table has a row per model;
 *       <b>time to charts</b>: from {@code Page.navigate} of {@code /?model=m00} until its three charts are drawn.
 *       Wall clock seen by the benchmark (polling the page every 5 ms), and the page's own
 *       {@code performance.now()} when it got there (from navigation start). Several navigations each, while the
 *       models train. Target &lt; 1 s.
 *   <li><b>examples/s with the page open and closed</b>: model-examples trained per second (the
 *       {@code eddy.training.examples} counters of every model) over alternating phases, after a closed warm-up
 *       ({@code --warmup-seconds}, 15: the JIT and the caches): closed (both windows on {@code about:blank}) and
 *       open ({@code /} and {@code /?model=m00}, each in its own window, so both are visible and poll once a
 *       second), each measured after {@code --settle-seconds} (2) from the navigation. Chromium runs in both. Each open phase lies between two closed ones and is compared with their mean, so a drift of the
 *       machine's speed (other jobs on a shared machine) cancels; the median of those ratios is the figure. Target:
 *       open ≥ 0.97 × closed. Beside it the same ratio of model-examples per CPU-second of the Kafka Streams threads
 *       (which train): the console's effect on training apart from the CPU it takes from it.
 * </ul>
 *
 * Nothing is asserted; the figures and targets are printed.
 */
@Command(name = "ConsoleBenchmark", mixinStandardHelpOptions = true, description = "The live console's cost.")
public final class ConsoleBenchmark implements Callable<Integer> {

    /** The application's HTTP endpoint ({@code eddy-http-*}). */
    private static final Predicate<String> HTTP_THREADS = name -> name.startsWith("eddy-http-");

    /** Kafka Streams' threads, which train the models ({@code <client id>-StreamThread-<n>}). */
    private static final Predicate<String> STREAM_THREADS = name -> name.contains("-StreamThread-");

    @Option(names = "--models", description = "Models trained (default: ${DEFAULT-VALUE}).")
    int models = 20;

    @Option(names = "--examples", description = "Examples pre-produced (default: ${DEFAULT-VALUE}).")
    int examples = 2_000_000;

    @Option(names = "--phase-seconds", description = "Length of each open or closed phase (default: ${DEFAULT-VALUE}).")
    int phaseSeconds = 5;

    @Option(names = "--phases", description = "Open phases, each between two closed ones (default: ${DEFAULT-VALUE}).")
    int pairs = 6;

    @Option(names = "--navigations", description = "Timed navigations of each page (default: ${DEFAULT-VALUE}).")
    int navigations = 5;

    @Option(
            names = "--warmup-seconds",
            description = "A closed phase before the measured ones, while the JIT and the caches warm up (default:"
                    + " ${DEFAULT-VALUE}).")
    int warmupSeconds = 15;

    @Option(
            names = "--settle-seconds",
            description = "Wait after opening or closing the pages, before a phase is measured (default:"
                    + " ${DEFAULT-VALUE}).")
    int settleSeconds = 2;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ConsoleBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path state = Files.createTempDirectory("eddy-bench-console");
        try (EmbeddedBroker broker = EmbeddedBroker.start(0, null)) {
            EddyConfig config = EddyConfig.of(settings(broker.bootstrapServers(), state));
            EddyApp.createTopics(config);
            ExampleStream stream = ExampleStream.generated(8, 2, 1996);
            try (BulkProducer producer =
                    new BulkProducer(broker.bootstrapServers(), config.topics().examples())) {
                for (int i = 0; i < examples; i++) {
                    producer.send(stream.next("bench", null, true));
                }
            }
            System.out.printf(Locale.ROOT, "%,d examples pre-produced; %d models train on each%n", examples, models);
            try (EddyApp app = EddyApp.start(config, new InetSocketAddress("127.0.0.1", 0));
                    HeadlessChromium chromium = HeadlessChromium.start()) {
                if (!app.awaitRunning(Duration.ofSeconds(60))) {
                    throw new IllegalStateException("the application did not start within 60 s");
                }
                MeterRegistry registry = app.metrics().registry();
                URI table = app.consoleUri();
                URI charts = app.consoleUri().resolve("/?model=m00");
                HeadlessChromium.Page first = chromium.openWindow();
                HeadlessChromium.Page second = chromium.openWindow();
                waitUntil(() -> trained(registry) > 0 && ready(first, table, rowsReady()) >= 0, 60);

                System.out.println();
                System.out.println("time from navigation (wall clock | page's performance.now()), while training:");
                timeNavigations("/ : " + models + " rows", first, table, rowsReady());
                timeNavigations("/?model=m00 : 3 charts drawn", second, charts, chartsReady());

                System.out.println();
                System.out.printf(
                        Locale.ROOT, "examples/s (model-examples trained per second), %d s phases:%n", phaseSeconds);
                List<Phase> closed = new ArrayList<>();
                List<Phase> open = new ArrayList<>();
                close(first, second);
                phase("warm-up (closed)", warmupSeconds, registry, chromium);
                closed.add(phase("closed", phaseSeconds, registry, chromium));
                for (int i = 0; i < pairs; i++) {
                    first.navigate(table);
                    second.navigate(charts);
                    settle();
                    open.add(phase("open: / and /?model=m00", phaseSeconds, registry, chromium));
                    close(first, second);
                    closed.add(phase("closed", phaseSeconds, registry, chromium));
                }
                double[] ratios = ratios(open, closed, Phase::rate);
                System.out.printf(
                        Locale.ROOT,
                        "mean closed %,.0f/s, open %,.0f/s; open / its neighbours: median %.3f (%.3f to %.3f)"
                                + " (target >= 0.97)%n",
                        closed.stream().mapToDouble(Phase::rate).average().orElseThrow(),
                        open.stream().mapToDouble(Phase::rate).average().orElseThrow(),
                        median(ratios),
                        ratios[0],
                        ratios[pairs - 1]);
                double[] perCpu = ratios(open, closed, Phase::perTrainerCpuSecond);
                System.out.printf(
                        Locale.ROOT,
                        "model-examples per CPU-second of the stream threads, open / its neighbours: median %.3f (%.3f"
                                + " to %.3f): the open console's effect on training apart from the CPU it takes%n",
                        median(perCpu),
                        perCpu[0],
                        perCpu[pairs - 1]);
                if (trained(registry) >= 0.97 * (1 - 0.1) * examples * models) { // 10% held out
                    System.out.println("WARNING: the input ran out during the phases; raise --examples");
                }
            }
        } finally {
            try (var files = Files.walk(state)) {
                for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
        return 0;
    }

    private Map<String, String> settings(String bootstrapServers, Path state) {
        Map<String, String> s = new HashMap<>();
        s.put("application.id", "bench-console");
        s.put("bootstrap.servers", bootstrapServers);
        s.put("state.dir", state.toString());
        s.put("serving.enabled", "false");
        s.put("holdout.fraction", "0.1");
        s.put("snapshot-every", "100");
        for (int m = 0; m < models; m++) {
            String id = String.format(Locale.ROOT, "model.m%02d.", m);
            s.put(id + "input-size", "8");
            s.put(id + "layers", "32:relu,16:relu,1:sigmoid");
            s.put(id + "batch-size", "32");
            s.put(id + "eval-every", "10");
            s.put(id + "early-stopping.enabled", "false");
        }
        return s;
    }

    /** Both windows back on {@code about:blank}, then {@link #settle()}. */
    private void close(HeadlessChromium.Page first, HeadlessChromium.Page second) throws Exception {
        first.navigate(URI.create("about:blank"));
        second.navigate(URI.create("about:blank"));
        settle();
    }

    /** Lets a page load (or its renderer wind down) before a phase, so a phase measures the steady state. */
    private void settle() throws InterruptedException {
        Thread.sleep(settleSeconds * 1000L);
    }

    private String rowsReady() {
        return "(document.querySelectorAll('#models tbody tr').length >= " + models
                + " && document.body.dataset.tableReady) || ''";
    }

    private static String chartsReady() {
        return "(document.body && document.body.dataset.chartsReady) || ''";
    }

    /** Navigates {@code tab} to {@code url} {@link #navigations} times, printing each time to ready. */
    private void timeNavigations(String what, HeadlessChromium.Page tab, URI url, String ready) throws Exception {
        double[] wall = new double[navigations];
        double[] page = new double[navigations];
        for (int i = 0; i < navigations; i++) {
            tab.navigate(URI.create("about:blank"));
            long start = System.nanoTime();
            page[i] = ready(tab, url, ready);
            wall[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(wall);
        Arrays.sort(page);
        System.out.printf(
                Locale.ROOT,
                "  %-32s median %4.0f ms | %4.0f ms, max %4.0f ms | %4.0f ms over %d navigations (target < 1000 ms)%n",
                what,
                wall[navigations / 2],
                page[navigations / 2],
                wall[navigations - 1],
                page[navigations - 1],
                navigations);
    }

    /** Navigates and polls until {@code ready} is a number: the page's milliseconds from navigation start. */
    private static double ready(HeadlessChromium.Page tab, URI url, String ready) throws Exception {
        tab.navigate(url);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            String v = tab.evaluate(ready).asText("");
            if (!v.isEmpty()) {
                return Double.parseDouble(v);
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException(url + " was not ready within 30 s");
    }

    /**
     * One phase: model-examples trained per second, and per CPU-second of the Kafka Streams threads (which train: a
     * figure that other jobs on the machine change little, unlike the rate).
     */
    private record Phase(double rate, double perTrainerCpuSecond) {}

    /**
     * Measures one phase; printed with the CPU the stream threads, the browser and the application's HTTP threads
     * used per second of it (what the open console costs, whatever else runs on the machine).
     */
    private Phase phase(String name, int seconds, MeterRegistry registry, HeadlessChromium chromium)
            throws InterruptedException {
        double before = trained(registry);
        double browserBefore = chromium.cpuSeconds();
        double httpBefore = cpuSeconds(HTTP_THREADS);
        double trainerBefore = cpuSeconds(STREAM_THREADS);
        long start = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        double elapsed = (System.nanoTime() - start) / 1e9;
        double examplesTrained = trained(registry) - before;
        double trainerCpu = cpuSeconds(STREAM_THREADS) - trainerBefore;
        System.out.printf(
                Locale.ROOT,
                "  %-26s %,10.0f examples/s %,8.0f per stream-thread CPU-s   CPU: stream threads %.3f s/s, browser"
                        + " %.3f s/s, HTTP threads %.4f s/s%n",
                name,
                examplesTrained / elapsed,
                examplesTrained / trainerCpu,
                trainerCpu / elapsed,
                Math.max(0, chromium.cpuSeconds() - browserBefore) / elapsed, // exited renderers drop out of the sum
                (cpuSeconds(HTTP_THREADS) - httpBefore) / elapsed);
        return new Phase(examplesTrained / elapsed, examplesTrained / trainerCpu);
    }

    /** Each open phase over the mean of the closed phases on either side of it, sorted. */
    private static double[] ratios(List<Phase> open, List<Phase> closed, ToDoubleFunction<Phase> figure) {
        double[] r = new double[open.size()];
        for (int i = 0; i < r.length; i++) {
            double neighbours = (figure.applyAsDouble(closed.get(i)) + figure.applyAsDouble(closed.get(i + 1))) / 2;
            r[i] = figure.applyAsDouble(open.get(i)) / neighbours;
        }
        Arrays.sort(r);
        return r;
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** CPU seconds used so far by this JVM's live threads whose name matches. */
    private static double cpuSeconds(Predicate<String> names) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double sum = 0;
        for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (t != null && names.test(t.getThreadName())) {
                sum += Math.max(0, threads.getThreadCpuTime(t.getThreadId())) / 1e9;
            }
        }
        return sum;
    }

    private static double trained(MeterRegistry registry) {
        return registry.find("eddy.training.examples").tag("paused", "false").counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }

    @FunctionalInterface
    private interface Check {
        boolean holds() throws Exception;
    }

    private static void waitUntil(Check check, int seconds) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not ready within " + seconds + " s");
            }
            Thread.sleep(100);
        }
    }
}
