package dev.eddy.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The application's HTTP endpoint (JDK {@code HttpServer}): the Prometheus scrape at {@code GET /metrics}, and any
 * further read-only resource registered with {@link #route} (e.g. a status API under {@code /models}, the live
 * console at {@code /}).
 *
 * <p>The scrape honours the {@code Accept} header: OpenMetrics for a scraper that asks for it (Prometheus does), the
 * Prometheus text format 0.0.4 otherwise. Binds to loopback by default ({@link #DEFAULT_HOST}); port 0 picks a free
 * port ({@link #address()} tells which).
 */
public final class MetricsServer implements AutoCloseable {

    /** Port of {@code eddy run}'s endpoint unless configured: the port registered for Prometheus exporters. */
    public static final int DEFAULT_PORT = 9464;
    /** Loopback: the endpoint is only exposed beyond the host when asked to. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** The path of the Prometheus scrape. */
    public static final String METRICS_PATH = "/metrics";

    private static final Set<String> READ_METHODS = Set.of("GET", "HEAD");

    private final HttpServer server;
    private final ExecutorService executor;
    private final Set<String> routes = new TreeSet<>();
    private final ScrapeHandler scrape;
    /** What {@code GET /} serves, when something was routed there; every other unrouted path is 404. */
    private volatile HttpHandler root;

    private MetricsServer(HttpServer server, ExecutorService executor, ScrapeHandler scrape) {
        this.server = server;
        this.executor = executor;
        this.scrape = scrape;
    }

    /**
     * Starts serving {@code registry}'s scrape on {@code address}.
     *
     * @throws IOException if the address cannot be bound (e.g. the port is in use)
     */
    public static MetricsServer start(InetSocketAddress address, PrometheusMeterRegistry registry) throws IOException {
        HttpServer http;
        try {
            http = HttpServer.create(address, 0);
        } catch (IOException e) {
            throw new IOException(
                    "cannot serve metrics on " + address.getHostString() + ":" + address.getPort() + ": "
                            + e.getMessage() + " (choose another --metrics-port, or 0 for any free port)",
                    e);
        }
        AtomicInteger threads = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "eddy-http-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(executor);
        MetricsServer server = new MetricsServer(http, executor, new ScrapeHandler(registry));
        server.route(METRICS_PATH, server.scrape);
        http.createContext("/", exchange -> {
            try (exchange) {
                HttpHandler root = server.root;
                if (root != null && exchange.getRequestURI().getPath().equals("/")) {
                    read(exchange, root);
                } else {
                    server.notFound(exchange);
                }
            }
        });
        http.start();
        return server;
    }

    /**
     * Serves {@code handler} for GET and HEAD requests whose path is {@code path} or below it ({@code path/...});
     * other methods get 405. The path {@code /} is served for exactly {@code /} (with any query), nothing below it.
     */
    public synchronized void route(String path, HttpHandler handler) {
        boolean isRoot = path.equals("/");
        if (!isRoot && (!path.startsWith("/") || path.length() < 2 || path.endsWith("/"))) {
            throw new IllegalArgumentException("route path must look like /name or be /, got '" + path + "'");
        }
        if (!routes.add(path)) {
            throw new IllegalArgumentException("route " + path + " is already served");
        }
        if (isRoot) {
            root = handler;
            return;
        }
        server.createContext(path, exchange -> {
            try (exchange) {
                String requested = exchange.getRequestURI().getPath();
                if (!requested.equals(path) && !requested.startsWith(path + "/")) {
                    notFound(exchange);
                } else {
                    read(exchange, handler);
                }
            }
        });
    }

    /** Hands a GET or HEAD request to {@code handler}; answers 405 to any other method. */
    private static void read(HttpExchange exchange, HttpHandler handler) throws IOException {
        if (READ_METHODS.contains(exchange.getRequestMethod())) {
            handler.handle(exchange);
        } else {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            respond(exchange, 405, "text/plain; charset=utf-8", bytes("method not allowed: use GET\n"));
        }
    }

    /**
     * Runs {@code refresh} before every scrape, on the scraping thread (e.g. to register and remove meters whose set
     * changes: {@link SearchTrialMeters#refresh}).
     */
    public void beforeScrape(Runnable refresh) {
        scrape.refreshes.add(refresh);
    }

    /** The bound address (with the actual port when 0 was asked for). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** {@code http://host:port} + {@code path}. */
    public URI uri(String path) {
        InetSocketAddress a = address();
        String host = a.getAddress().isAnyLocalAddress()
                ? "127.0.0.1"
                : a.getAddress().getHostAddress();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort() + path);
    }

    /** Stops serving; requests in progress get up to one second. */
    @Override
    public void close() {
        server.stop(1);
        executor.shutdownNow();
    }

    private void notFound(HttpExchange exchange) throws IOException {
        String known;
        synchronized (this) {
            known = String.join(", ", routes);
        }
        respond(exchange, 404, "text/plain; charset=utf-8", bytes("not found; served: " + known + "\n"));
    }

    /**
     * Writes a complete response: status, content type and length, and the body unless the request is HEAD.
     * Handlers of {@link #route}d resources use it too.
     */
    public static void respond(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The Prometheus scrape in the format the {@code Accept} header asks for. */
    private static final class ScrapeHandler implements HttpHandler {
        private final PrometheusMeterRegistry registry;
        private final ExpositionFormats formats = ExpositionFormats.init();
        private final List<Runnable> refreshes = new CopyOnWriteArrayList<>();

        ScrapeHandler(PrometheusMeterRegistry registry) {
            this.registry = registry;
        }

        @Override
        public void handle(HttpExchange exchange) throws IOException {
            ExpositionFormatWriter writer =
                    formats.findWriter(exchange.getRequestHeaders().getFirst("Accept"));
            if (!writer.isAvailable()) {
                writer = formats.getPrometheusTextFormatWriter();
            }
            refreshes.forEach(Runnable::run);
            ByteArrayOutputStream body = new ByteArrayOutputStream(64 * 1024);
            registry.scrape(body, writer.getContentType());
            respond(exchange, 200, writer.getContentType(), body.toByteArray());
        }
    }
}
