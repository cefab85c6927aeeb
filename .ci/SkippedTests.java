import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Lists the tests that did not run, with their reasons, from the Surefire reports of a build ({@code
 * <module>/target/surefire-reports/TEST-*.xml} under the root given, default {@code .}), then closes with the counts
 * as one line: {@code tests: P passed, F failed, S skipped} (F counts failures and errors).
 *
 * <p>{@code .ci/run} runs it after {@code mvn -B verify}, whether the build passed or not: a skipped test is green in
 * Maven's summary, so without this list a test whose tool or data is missing would go unseen. A report that does not
 * parse is named and counted as a failure.
 *
 * <p>Run with the JDK's source launcher: {@code java .ci/SkippedTests.java [ROOT]}. Exits 0; the build's exit code is
 * {@code .ci/run}'s.
 */
public final class SkippedTests {

    private SkippedTests() {}

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : ".");
        List<Path> reports = reports(root);
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        DocumentBuilder parser = factory.newDocumentBuilder();
        long tests = 0;
        long failed = 0;
        List<String> skipped = new ArrayList<>();
        for (Path report : reports) {
            NodeList cases;
            try {
                cases = parser.parse(report.toFile()).getElementsByTagName("testcase");
            } catch (Exception e) {
                System.out.println("unreadable test report " + report + ": " + e.getMessage());
                failed++;
                tests++;
                continue;
            }
            for (int i = 0; i < cases.getLength(); i++) {
                Element c = (Element) cases.item(i);
                tests++;
                if (c.getElementsByTagName("failure").getLength() > 0
                        || c.getElementsByTagName("error").getLength() > 0) {
                    failed++;
                }
                NodeList skip = c.getElementsByTagName("skipped");
                if (skip.getLength() > 0) {
                    skipped.add(name(c) + ": " + reason((Element) skip.item(0)));
                }
            }
        }
        System.out.println();
        if (reports.isEmpty()) {
            System.out.println("no test reports under " + root.toAbsolutePath().normalize() + "/*/target/surefire-reports");
        } else if (skipped.isEmpty()) {
            System.out.println("no test was skipped");
        } else {
            System.out.println("SKIPPED TESTS (" + skipped.size() + "), with their reasons:");
            skipped.forEach(s -> System.out.println("  " + s));
        }
        System.out.println("tests: " + (tests - failed - skipped.size()) + " passed, " + failed + " failed, "
                + skipped.size() + " skipped");
    }

    /** Every module's Surefire XML reports, in path order. */
    private static List<Path> reports(Path root) throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> modules = Files.list(root)) {
            for (Path module : modules.sorted().toList()) {
                Path dir = module.resolve("target").resolve("surefire-reports");
                if (Files.isDirectory(dir)) {
                    try (Stream<Path> files = Files.list(dir)) {
                        files.filter(f -> {
                                    String n = f.getFileName().toString();
                                    return n.startsWith("TEST-") && n.endsWith(".xml");
                                })
                                .sorted()
                                .forEach(out::add);
                    }
                }
            }
        }
        return out;
    }

    /** {@code Class.method}, or the class alone when the whole class was skipped (its test case has its name). */
    private static String name(Element testCase) {
        String cls = testCase.getAttribute("classname");
        String method = testCase.getAttribute("name");
        return method.isEmpty() || method.equals(cls) ? cls : cls + "." + method;
    }

    /** The skip's message attribute, else the first line of its text (Surefire puts the exception there). */
    private static String reason(Element skipped) {
        String message = skipped.getAttribute("message").strip();
        if (message.isEmpty()) {
            message = skipped.getTextContent().strip().lines().findFirst().orElse("");
        }
        for (String prefix : List.of("org.opentest4j.TestAbortedException: ", "Assumption failed: ")) {
            if (message.startsWith(prefix)) {
                message = message.substring(prefix.length());
            }
        }
        return message.isEmpty() ? "(no reason given)" : message;
    }
}
