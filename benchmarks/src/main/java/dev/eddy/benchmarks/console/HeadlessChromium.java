package dev.eddy.benchmarks.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Debian's headless {@code chromium} driven over the DevTools protocol (a WebSocket per tab): open tabs, navigate
 * them, evaluate an expression in a page. Wall-clock time, unlike {@code --virtual-time-budget}, so the benchmark
 * measures what a person would wait. The browser runs with a new profile, deleted by {@link #close()}, and the same
 * flags as the console test (no sandbox: it may run as root; nothing that calls out).
 */
final class HeadlessChromium implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path profile;
    private final int port;
    private final HttpClient http = HttpClient.newHttpClient();

    private HeadlessChromium(Process process, Path profile, int port) {
        this.process = process;
        this.profile = profile;
        this.port = port;
    }

    /** Starts the {@code chromium} found on the PATH; fails naming the package when there is none. */
    static HeadlessChromium start() throws IOException, InterruptedException {
        Path executable = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(d -> Path.of(d, "chromium"))
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(
                        "no chromium on the PATH: install Debian's package chromium (apt-get install chromium)"));
        Path profile = Files.createTempDirectory("eddy-bench-chromium");
        Process p = new ProcessBuilder(
                        executable.toString(),
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-quic",
                        "--no-first-run",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--window-size=1280,900",
                        "--remote-debugging-address=127.0.0.1",
                        "--remote-debugging-port=0",
                        "--user-data-dir=" + profile,
                        "about:blank")
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        Path portFile = profile.resolve("DevToolsActivePort");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(portFile) || Files.readAllLines(portFile).isEmpty()) {
            if (System.nanoTime() > deadline || !p.isAlive()) {
                p.destroyForcibly();
                throw new IOException("chromium did not open its DevTools port within 30 s");
            }
            Thread.sleep(50);
        }
        return new HeadlessChromium(
                p, profile, Integer.parseInt(Files.readAllLines(portFile).get(0).strip()));
    }

    /** A new tab showing {@code about:blank}. */
    Tab open() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/new?about:blank"))
                        .PUT(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("DevTools /json/new: HTTP " + r.statusCode() + " " + r.body());
        }
        return new Tab(JSON.readTree(r.body()).get("webSocketDebuggerUrl").asText());
    }

    /** CPU time used so far by the browser and its live child processes (renderers, GPU, network), in seconds. */
    double cpuSeconds() {
        return Stream.concat(Stream.of(process.toHandle()), process.descendants())
                .mapToDouble(h ->
                        h.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0))
                .sum();
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(profile)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }

    /** One tab: DevTools commands with their answers matched by id. */
    final class Tab implements WebSocket.Listener {
        private final WebSocket socket;
        private final AtomicInteger ids = new AtomicInteger();
        private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
        private final StringBuilder partial = new StringBuilder();

        private Tab(String webSocketUrl) {
            this.socket = http.newWebSocketBuilder()
                    .buildAsync(URI.create(webSocketUrl), this)
                    .join();
        }

        /** Starts loading {@code url}; returns once the navigation was accepted (not loaded). */
        void navigate(URI url) throws Exception {
            call("Page.navigate", JSON.createObjectNode().put("url", url.toString()));
        }

        /** The value of a JavaScript expression in the page (strings, numbers, booleans). */
        JsonNode evaluate(String expression) throws Exception {
            JsonNode r = call(
                    "Runtime.evaluate",
                    JSON.createObjectNode().put("expression", expression).put("returnByValue", true));
            return r.path("result").path("value");
        }

        private JsonNode call(String method, ObjectNode params) throws Exception {
            int id = ids.incrementAndGet();
            CompletableFuture<JsonNode> answer = new CompletableFuture<>();
            pending.put(id, answer);
            ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
            message.set("params", params);
            socket.sendText(JSON.writeValueAsString(message), true).join();
            JsonNode r = answer.get(30, TimeUnit.SECONDS);
            if (r.has("error")) {
                throw new IOException(method + ": " + r.get("error"));
            }
            return r.path("result");
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JsonNode m = JSON.readTree(partial.toString());
                    CompletableFuture<JsonNode> f =
                            m.has("id") ? pending.remove(m.get("id").asInt()) : null;
                    if (f != null) {
                        f.complete(m);
                    }
                } catch (IOException e) {
                    pending.values().forEach(f -> f.completeExceptionally(e));
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }
    }
}
