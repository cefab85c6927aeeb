package dev.eddy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Bad flag values are usage errors (exit 2) naming the flag, refused before any broker is asked. */
class UsageErrorsTest {

    /** Nothing listens here: a command that got past its flags would fail with 1, not 2. */
    private static final String NO_BROKER = "127.0.0.1:1";

    @Test
    void topicsRefusesLessThanOnePartition() {
        Cli topics = Cli.run("topics", "--bootstrap-servers", NO_BROKER, "--partitions", "0");
        assertThat(topics.exitCode()).as(topics.err()).isEqualTo(Eddy.EXIT_USAGE);
        assertThat(topics.err()).contains("--partitions must be at least 1, got 0");
    }

    @Test
    void snapshotsRefusesANegativeTimeout() {
        Cli snapshots = Cli.run("snapshots", "--bootstrap-servers", NO_BROKER, "--timeout", "-5");
        assertThat(snapshots.exitCode()).as(snapshots.err()).isEqualTo(Eddy.EXIT_USAGE);
        assertThat(snapshots.err()).contains("--timeout must be at least 1 (seconds), got -5");
    }

    @Test
    void produceRefusesALabelKindForABundledDataset() {
        Cli produce =
                Cli.run("produce", "--bootstrap-servers", NO_BROKER, "--dataset", "diabetes", "--label-kind", "class");
        assertThat(produce.exitCode()).as(produce.err()).isEqualTo(Eddy.EXIT_USAGE);
        assertThat(produce.err()).contains("--label-kind", "diabetes has its own label kind (target)");
    }

    @Test
    void demoAndLrFindRefuseALabelKindForABundledDatasetToo() {
        Cli demo = Cli.run("demo", "--dataset", "digits", "--label-kind", "target");
        assertThat(demo.exitCode()).as(demo.err()).isEqualTo(Eddy.EXIT_USAGE);
        assertThat(demo.err()).contains("--label-kind applies to --csv", "digits has its own label kind (class)");
        Cli lrFind = Cli.run("lr-find", "--dataset", "diabetes", "--label-kind", "class");
        assertThat(lrFind.exitCode()).as(lrFind.err()).isEqualTo(Eddy.EXIT_USAGE);
        assertThat(lrFind.err()).contains("--label-kind applies to --csv", "diabetes has its own label kind (target)");
    }
}
