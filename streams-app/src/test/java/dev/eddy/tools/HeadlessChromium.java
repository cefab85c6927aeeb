package dev.eddy.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Debian's headless {@code chromium} driven over the DevTools protocol ({@code --remote-debugging-port}, a WebSocket
 * per page; no Selenium, no driver binary): open windows, navigate them, evaluate an expression in a page. Wall-clock
 * time, unlike {@code --virtual-time-budget}, so a test can stop and restart the application under an open page and a
 * benchmark measures what a person would wait. The browser runs with a new profile, deleted by {@link #close()},
 * every network feature that would call out (sync, component updates, QUIC) off, and {@code --no-sandbox} because
 * the tests may run as root. Shared with the benchmarks module through streams-app's test-jar.
 */
public final class HeadlessChromium implements AutoCloseable {

    /** The flags of every headless run here, before the run's own. */
    static final List<String> FLAGS = List.of(
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final Path profile;
    private final int port;
    private final HttpClient http = HttpClient.newHttpClient();
    private final Page browser;

    private HeadlessChromium(Process process, Path profile, int port) throws IOException, InterruptedException {
        this.process = process;
        this.profile = profile;
        this.port = port;
        HttpResponse<String> version = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/version"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        this.browser = new Page(
                JSON.readTree(version.body()).get("webSocketDebuggerUrl").asText());
    }

    /** The {@code chromium} on the PATH, if there is one. */
    public static Optional<Path> find() {
        return Executables.onPath("chromium");
    }

    /** Starts the {@code chromium} found on the PATH; fails naming the package when there is none. */
    public static HeadlessChromium start() throws IOException, InterruptedException {
        Path executable = find().orElseThrow(() -> new IllegalStateException(
                "no chromium on the PATH: install Debian's package chromium (apt-get install chromium)"));
        Path profile = Files.createTempDirectory("eddy-chromium");
        List<String> command = new java.util.ArrayList<>();
        command.add(executable.toString());
        command.addAll(FLAGS);
        command.addAll(List.of(
                "--window-size=1280,900",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                "--user-data-dir=" + profile,
                "about:blank"));
        Process p = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        Path portFile = profile.resolve("DevToolsActivePort");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(portFile) || Files.readAllLines(portFile).isEmpty()) {
            if (System.nanoTime() > deadline || !p.isAlive()) {
                p.destroyForcibly();
                throw new IOException("chromium did not open its DevTools port within 30 s: " + command);
            }
            Thread.sleep(50);
        }
        return new HeadlessChromium(
                p, profile, Integer.parseInt(Files.readAllLines(portFile).get(0).strip()));
    }

    /**
     * A new window showing {@code about:blank}. Each page in its own window is visible ({@code
     * document.visibilityState} is {@code visible}), as a page a person watches.
     */
    public Page openWindow() throws Exception {
        return openTarget(true);
    }

    /** A new tab in the last window, opened in the background: its page is {@code hidden} until activated. */
    public Page openBackgroundTab() throws Exception {
        return openTarget(false);
    }

    private Page openTarget(boolean window) throws Exception {
        ObjectNode params = JSON.createObjectNode().put("url", "about:blank");
        if (window) {
            params.put("newWindow", true);
        } else {
            params.put("background", true);
        }
        String id = browser.call("Target.createTarget", params).get("targetId").asText();
        return new Page("ws://127.0.0.1:" + port + "/devtools/page/" + id).target(id);
    }

    /** CPU time used so far by the browser and its live child processes (renderers, GPU, network), in seconds. */
    public double cpuSeconds() {
        return Stream.concat(Stream.of(process.toHandle()), process.descendants())
                .mapToDouble(h ->
                        h.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0))
                .sum();
    }

    /**
     * Stops the browser and every process it started (renderers, GPU, crash handler), then deletes the profile. A
     * child still flushing its files into the profile while the walk deletes them makes a directory non-empty again,
     * so the deletion is repeated (a few times, children being gone) before it gives up.
     */
    @Override
    public void close() throws IOException {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            for (ProcessHandle child : children) {
                try {
                    child.onExit().get(5, TimeUnit.SECONDS);
                } catch (TimeoutException | ExecutionException e) {
                    child.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            children.forEach(ProcessHandle::destroyForcibly);
            Thread.currentThread().interrupt();
        }
        for (int attempt = 1; ; attempt++) {
            try {
                deleteTree(profile);
                return;
            } catch (DirectoryNotEmptyException e) {
                if (attempt == 5) {
                    throw e;
                }
                try {
                    Thread.sleep(200L * attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof NoSuchFileException) {
                throw new DirectoryNotEmptyException(root.toString()); // a file vanished mid-walk: walk again
            }
            throw e;
        }
    }

    /** One DevTools target (the browser, or a page): commands with their answers matched by id. */
    public final class Page implements WebSocket.Listener {
        private final WebSocket socket;
        private final AtomicInteger ids = new AtomicInteger();
        private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
        private final StringBuilder partial = new StringBuilder();
        private String targetId;

        private Page(String webSocketUrl) {
            this.socket = http.newWebSocketBuilder()
                    .buildAsync(URI.create(webSocketUrl), this)
                    .join();
        }

        private Page target(String id) {
            this.targetId = id;
            return this;
        }

        /** Starts loading {@code url}; returns once the navigation was accepted (not loaded). */
        public void navigate(URI url) throws Exception {
            call("Page.navigate", JSON.createObjectNode().put("url", url.toString()));
        }

        /** Brings this tab to the front of its window: its page becomes {@code visible}, the one before hidden. */
        public void activate() throws Exception {
            browser.call("Target.activateTarget", JSON.createObjectNode().put("targetId", targetId));
        }

        /**
         * The value of a JavaScript expression in the page (strings, numbers, booleans, JSON-like objects); a promise
         * is awaited. An exception thrown by the expression fails with its description.
         */
        public JsonNode evaluate(String expression) throws Exception {
            JsonNode r = call(
                    "Runtime.evaluate",
                    JSON.createObjectNode()
                            .put("expression", expression)
                            .put("returnByValue", true)
                            .put("awaitPromise", true));
            if (r.has("exceptionDetails")) {
                throw new IOException("in the page: " + expression + ": " + r.get("exceptionDetails"));
            }
            return r.path("result").path("value");
        }

        /** A PNG of the page as shown, written to {@code png}. */
        public void screenshot(Path png) throws Exception {
            JsonNode r = call("Page.captureScreenshot", JSON.createObjectNode().put("format", "png"));
            Files.createDirectories(png.toAbsolutePath().getParent());
            Files.write(png, java.util.Base64.getDecoder().decode(r.get("data").asText()));
        }

        JsonNode call(String method, ObjectNode params) throws Exception {
            int id = ids.incrementAndGet();
            CompletableFuture<JsonNode> answer = new CompletableFuture<>();
            pending.put(id, answer);
            ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
            message.set("params", params);
            socket.sendText(JSON.writeValueAsString(message), true).join();
            JsonNode r = answer.get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
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
