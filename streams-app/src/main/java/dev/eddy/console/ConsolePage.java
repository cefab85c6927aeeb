package dev.eddy.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.eddy.history.HistoryJson;
import dev.eddy.history.HistoryPoint;
import dev.eddy.history.ModelHistory;
import dev.eddy.history.TrainingHistory;
import dev.eddy.metrics.MetricsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The live console: a page at {@code /} (every model in a table; {@code /?model=<id>} one model's curves) that reads
 * the JSON the application already serves ({@code /models}, {@code /models/{id}/history}) once a second, and its files
 * under {@code /console/}:
 *
 * <pre>
 * /console/console.js, /console/console.css   the page's script and style (resources of this package)
 * /console/uplot.js, /console/uplot.css       uPlot, from its WebJar in the jar: no CDN, the page works offline
 * /console/latest                             [{"model": "m", "holdoutMetricName": "accuracy", "point": {...}}, ...]:
 *                                             the newest history point of every model (examples/s, prequential)
 * </pre>
 *
 * <p>Read-only (GET and HEAD only, no commands), no CORS headers (other origins cannot read it), and a content
 * security policy that runs only this origin's scripts: the page builds its text with {@code textContent}, so a model
 * id or an event's detail is never markup.
 */
public final class ConsolePage {

    /** Where the console's files are served. */
    public static final String FILES = "/console";

    /** Only this origin's scripts and data; uPlot sets inline styles on its elements. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; connect-src 'self';"
            + " style-src 'self' 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none';"
            + " frame-ancestors 'none'";

    private static final String OWN = "/dev/eddy/console/";
    private static final String UPLOT_POM = "/META-INF/maven/org.webjars.npm/uplot/pom.properties";
    private static final ObjectMapper JSON = new ObjectMapper();

    private record File(String contentType, byte[] body) {}

    private final File page;
    private final Map<String, File> files = new LinkedHashMap<>();
    private final TrainingHistory history;

    private ConsolePage(TrainingHistory history) {
        this.history = history;
        this.page = new File("text/html; charset=utf-8", resource(OWN + "index.html"));
        files.put("console.js", new File("text/javascript; charset=utf-8", resource(OWN + "console.js")));
        files.put("console.css", new File("text/css; charset=utf-8", resource(OWN + "console.css")));
        String uplot = "/META-INF/resources/webjars/uplot/" + uplotVersion() + "/dist/";
        files.put("uplot.js", new File("text/javascript; charset=utf-8", resource(uplot + "uPlot.iife.min.js")));
        files.put("uplot.css", new File("text/css; charset=utf-8", resource(uplot + "uPlot.min.css")));
    }

    /** Serves the page at {@code /} and its files under {@link #FILES} on {@code server}. */
    public static void mount(MetricsServer server, TrainingHistory history) {
        ConsolePage console = new ConsolePage(history);
        server.route("/", console::page);
        server.route(FILES, console::file);
    }

    private void page(HttpExchange exchange) throws IOException {
        send(exchange, 200, page);
    }

    private void file(HttpExchange exchange) throws IOException {
        String name = exchange.getRequestURI().getPath().substring(FILES.length());
        name = name.startsWith("/") ? name.substring(1) : name;
        if (name.equals("latest")) {
            send(exchange, 200, new File("application/json; charset=utf-8", JSON.writeValueAsBytes(latest())));
            return;
        }
        File f = files.get(name);
        if (f == null) {
            String known = String.join(", ", files.keySet()) + ", latest";
            send(
                    exchange,
                    404,
                    new File(
                            "text/plain; charset=utf-8",
                            ("no console file '" + name + "'; served: " + known + "\n")
                                    .getBytes(StandardCharsets.UTF_8)));
            return;
        }
        send(exchange, 200, f);
    }

    private ArrayNode latest() {
        ArrayNode out = JSON.createArrayNode();
        for (String id : history.models()) {
            ModelHistory h = history.model(id).orElseThrow();
            HistoryPoint p = h.latest();
            ObjectNode o = out.addObject().put("model", id).put("holdoutMetricName", h.holdoutMetricName());
            if (p == null) {
                o.putNull("point");
            } else {
                o.set("point", HistoryJson.point(p));
            }
        }
        return out;
    }

    private static void send(HttpExchange exchange, int status, File f) throws IOException {
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "no-referrer");
        headers.set("Cache-Control", "no-cache");
        MetricsServer.respond(exchange, status, f.contentType(), f.body());
    }

    /** The version of the uPlot WebJar on the class path. */
    static String uplotVersion() {
        Properties p = new Properties();
        try (InputStream in = ConsolePage.class.getResourceAsStream(UPLOT_POM)) {
            if (in == null) {
                throw new IllegalStateException("the console needs the uPlot WebJar (org.webjars.npm:uplot) on the"
                        + " class path: " + UPLOT_POM + " not found");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("version");
    }

    private static byte[] resource(String path) {
        try (InputStream in = ConsolePage.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("console resource " + path + " is missing from the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
