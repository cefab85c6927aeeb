package dev.eddy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Command-line behaviour: help, usage errors, input errors, and the embedded-broker default. */
class EddyCliTest {

    @TempDir
    Path dir;

    /**
     * {@code --help} on the root and on every command registered with it (found by walking picocli's command tree, so
     * that a command added later is checked too) exits 0 with the usage and nothing on standard error.
     */
    @Test
    void everyCommandHasHelp() {
        CommandLine root = new CommandLine(new Eddy());
        assertThat(root.getSubcommands())
                .containsKeys("demo", "run", "broker", "topics", "produce", "stream", "snapshots", "predict", "export");
        assertHelp(List.of(), root);
    }

    private static void assertHelp(List<String> path, CommandLine command) {
        List<String> args = new ArrayList<>(path);
        args.add("--help");
        Cli help = Cli.run(args.toArray(String[]::new));
        String name = String.join(" ", path);
        assertThat(help.exitCode()).as("eddy %s --help: %s", name, help.err()).isZero();
        assertThat(help.err()).as("eddy %s --help", name).isEmpty();
        String[] header = command.getCommandSpec().usageMessage().header();
        assertThat(help.out())
                .as("eddy %s --help", name)
                .startsWith(
                        header.length > 0
                                ? header[0]
                                : "Usage: " + command.getCommandSpec().qualifiedName())
                .contains("Usage: " + command.getCommandSpec().qualifiedName())
                .contains("--help");
        // each line of the description written to fit the help's width is shown whole, not wrapped in the middle
        for (String line : command.getCommandSpec().usageMessage().description()) {
            if (line.length() <= Eddy.USAGE_HELP_WIDTH) {
                assertThat(help.out()).as("eddy %s --help", name).contains(line.stripTrailing());
            }
        }
        command.getSubcommands().forEach((sub, subCommand) -> {
            List<String> subPath = new ArrayList<>(path);
            subPath.add(sub);
            assertHelp(subPath, subCommand);
        });
    }

    /**
     * The README's command table gives each command's synopsis: every flag its {@code --help} lists, but those every
     * command shares ({@code --help}, {@code --version}, {@code --verbose}) or that the README describes for all Kafka
     * commands at once ({@code --config}, {@code --set}), and no flag the command does not have.
     */
    @Test
    void theReadmeSynopsisOfEachCommandListsItsFlags() throws Exception {
        List<String> rows = Files.readAllLines(Path.of("..", "README.md")).stream()
                .filter(l -> l.startsWith("| `eddy "))
                .toList();
        Set<String> shared = Set.of("--help", "--version", "--verbose", "--config", "--set");
        SoftAssertions softly = new SoftAssertions();
        new CommandLine(new Eddy()).getSubcommands().forEach((name, command) -> {
            List<String> synopses = rows.stream()
                    .filter(l -> l.startsWith("| `eddy " + name + " ") || l.startsWith("| `eddy " + name + "`"))
                    .map(l -> l.substring(3, l.indexOf('`', 3)))
                    .toList();
            softly.assertThat(synopses).as("the README's row of eddy %s", name).hasSize(1);
            if (synopses.size() != 1) {
                return;
            }
            Set<String> documented = new TreeSet<>();
            Matcher flag = Pattern.compile("--[a-z][a-z-]*").matcher(synopses.get(0));
            while (flag.find()) {
                documented.add(flag.group());
            }
            Set<String> flags = new TreeSet<>();
            command.getCommandSpec().options().forEach(o -> flags.add(o.longestName()));
            flags.removeAll(shared);
            documented.removeAll(shared);
            softly.assertThat(documented)
                    .as("the README's synopsis of eddy %s", name)
                    .isEqualTo(flags);
        });
        softly.assertAll();
    }

    /** eddy broker --dir takes the directory of an earlier broker too (EmbeddedBrokerTest restarts on one). */
    @Test
    void theBrokersHelpSaysItRestartsOnTheDirectoryOfAnEarlierBroker() {
        assertThat(Cli.run("broker", "--help").out())
                .contains("a new or empty directory, or one an earlier eddy broker")
                .contains("used (the broker restarts on its data)");
    }

    /** The root's list of commands gives each a whole sentence: its header, else its description's first line. */
    @Test
    void theCommandListSummarizesEachCommandInOneSentence() {
        Cli help = Cli.run("--help");
        new CommandLine(new Eddy()).getSubcommands().forEach((name, command) -> {
            String[] header = command.getCommandSpec().usageMessage().header();
            String[] description = command.getCommandSpec().usageMessage().description();
            String summary = header.length > 0 ? header[0] : description[0];
            assertThat(summary)
                    .as("eddy %s: the list shows the header, else the description's first line", name)
                    .endsWith(".");
            assertThat(help.out()).contains("  " + name + " ").contains(summary.substring(0, 40));
        });
    }

    @Test
    void anUnknownFlagIsNamedThenTheHelpIsPointedToWithExitCode2() {
        Cli cli = Cli.run("produce", "--csv", "x.csv", "--bogus");
        assertThat(cli.exitCode()).isEqualTo(2);
        assertThat(cli.errLines())
                .containsExactly(
                        "eddy produce: Unknown option: '--bogus'", "Try 'eddy produce --help' for more information.");
        assertThat(cli.out()).isEmpty();
    }

    @Test
    void otherUsageErrorsExitWith2() {
        assertThat(Cli.run("produce").exitCode()).isEqualTo(2);
        assertThat(Cli.run("produce", "--csv", "a.csv", "--jsonl", "b.jsonl").exitCode())
                .isEqualTo(2);
        Cli badDataset = Cli.run("produce", "--dataset", "mnist");
        assertThat(badDataset.exitCode()).isEqualTo(2);
        assertThat(badDataset.errLines().get(0)).contains("mnist", "digits, breast-cancer, diabetes");
        Cli noCommand = Cli.run();
        assertThat(noCommand.exitCode()).isEqualTo(2);
        assertThat(noCommand.errLines().get(0))
                .isEqualTo(
                        "eddy: missing command: choose one of demo, run, broker, topics, produce, stream, snapshots, predict, export, prune, lr-find, evaluate");
        assertThat(Cli.run("topics", "--partitions", "many").exitCode()).isEqualTo(2);
    }

    @Test
    void aMissingFileFailsBeforeAnyBrokerStarts() {
        Path missing = dir.resolve("missing.csv");
        Cli cli = Cli.run("produce", "--csv", missing.toString());
        assertThat(cli.exitCode()).isEqualTo(1);
        assertThat(cli.errLines()).containsExactly("eddy produce: error: file not found: " + missing);
        assertThat(cli.out()).doesNotContain("broker");
    }

    @Test
    void aCsvWithoutLabelColumnIsRefusedWithTheExpectedForm() throws Exception {
        Path csv = dir.resolve("nolabel.csv");
        Files.writeString(csv, "a,b\n1,2\n");
        Cli cli = Cli.run("produce", "--csv", csv.toString());
        assertThat(cli.exitCode()).isEqualTo(1);
        assertThat(cli.errLines().get(0)).contains("'label' as the last column, got 'a,b'");
    }

    @Test
    void withoutBootstrapServersProduceRunsItsOwnBroker() throws Exception {
        Path csv = dir.resolve("tiny.csv");
        Files.writeString(csv, "x,label\n1.5,2.5\n2,oops\n3,4.5\n");
        Cli cli = Cli.run("produce", "--csv", csv.toString());
        assertThat(cli.exitCode()).as(cli.err()).isZero();
        assertThat(cli.out())
                .contains("embedded broker: 127.0.0.1:")
                .contains("created topic eddy.examples")
                .contains("produced 2 examples to eddy.examples (1 rows rejected)")
                .contains("stopping the embedded broker");
        assertThat(cli.err()).contains("rejected line 3: label: expected a finite number, got 'oops'");
    }

    /**
     * A Kafka client that cannot be built says why: the outer message alone ("Failed to create new
     * KafkaAdminClient") did not say what was wrong.
     */
    @Test
    void aClientThatCannotBeBuiltSaysWhy() {
        Cli cli = Cli.run("topics", "--bootstrap-servers", "nosuchhost.invalid:9092");
        assertThat(cli.exitCode()).isEqualTo(1);
        assertThat(cli.err())
                .startsWith("eddy topics: error: Failed to create new KafkaAdminClient: ")
                .contains("No resolvable bootstrap urls given in bootstrap.servers");
    }
}
