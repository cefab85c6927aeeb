package dev.eddy.cli;

import dev.eddy.config.ConfigOptions;
import dev.eddy.config.EddyConfig;
import dev.eddy.core.data.BundledDataset;
import dev.eddy.core.data.LabelKind;
import dev.eddy.core.data.RejectedRow;
import dev.eddy.io.ClusterContact;
import dev.eddy.io.CsvExamples;
import dev.eddy.io.ExampleProducer;
import dev.eddy.io.ExampleSource;
import dev.eddy.io.JsonLinesExamples;
import dev.eddy.io.Topics;
import dev.eddy.schema.Example;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code eddy produce}: loads labeled examples from a file or a bundled dataset into a topic. */
@Command(
        name = "produce",
        mixinStandardHelpOptions = true,
        header = "Write labeled examples from CSV, JSON lines or a bundled dataset to a topic.",
        description = {
            "Write labeled examples from CSV (header, last column 'label', gzip ok), JSON lines or a bundled",
            "dataset to a topic as Avro Example records. Every write is acknowledged (acks=all, idempotent);",
            "the command fails if any record was not written. Malformed rows are reported with their line",
            "number and skipped. A row is keyed by its model (--model, or a JSON line's modelId), else by the",
            "file's name, so the rows of a model land in one partition and it trains on them in file order."
        },
        footer = {
            "",
            "JSON lines: one object per line, e.g. {\"id\": \"a1\", \"features\": [0.5, 1.0], \"label\": 1};",
            "an integer label is a class, a decimal label a regression target (--label-kind decides instead);",
            "classLabel or target instead of label say which. Other fields: id, modelId, weight, eventTime; a line",
            "with any other field, or with more than one label, is rejected."
        })
final class ProduceCommand implements Callable<Integer> {

    /** Rejected rows printed one by one; the rest are only counted. */
    static final int REJECTED_ROWS_SHOWN = 20;

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaConnection kafka;

    @ArgGroup(multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--csv", paramLabel = "FILE", description = "CSV file, plain or gzip.")
        Path csv;

        @Option(names = "--jsonl", paramLabel = "FILE", description = "JSON-lines file, plain or gzip.")
        Path jsonl;

        @Option(
                names = "--dataset",
                paramLabel = "NAME",
                converter = BundledDatasetConverter.class,
                description = "Bundled dataset: digits, breast-cancer, diabetes.")
        BundledDataset dataset;
    }

    @Option(
            names = "--topic",
            paramLabel = "TOPIC",
            description = "Topic to write. Default: topic.examples of the configuration (" + Topics.EXAMPLES + ").")
    String topicFlag;

    @Option(
            names = "--model",
            paramLabel = "ID",
            description = {
                "Model id of the examples (written into each), and the record key. Default: none: every configured",
                "model trains on them, and the key is the file's name (elec2.csv.gz: elec2) or the dataset's id",
                "(a JSON line naming its own modelId is keyed by it)."
            })
    String modelId;

    @Option(
            names = "--label-kind",
            paramLabel = "KIND",
            description = {
                "What the CSV label column or a JSON line's 'label' holds: ${COMPLETION-CANDIDATES}. Default: class",
                "if the label is an integer (CSV: the first row's; JSON lines: each line's own), else target. Not",
                "with --dataset: a bundled dataset has its own."
            })
    LabelKind labelKind;

    @Override
    public Integer call() throws Exception {
        if (input.dataset != null && labelKind != null) {
            throw DatasetLabelKind.refused(
                    spec.commandLine(), "--csv and --jsonl", input.dataset.cliName(), input.dataset.labelKind());
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Consumer<RejectedRow> onRejected = new Consumer<>() {
            private long count;

            @Override
            public void accept(RejectedRow row) {
                count++;
                if (count <= REJECTED_ROWS_SHOWN) {
                    err.println("rejected " + row);
                } else if (count == REJECTED_ROWS_SHOWN + 1) {
                    err.println("(further rejected rows are counted, not shown)");
                }
                err.flush();
            }
        };
        // Open the input first: a missing file fails before any broker is started.
        try (ExampleSource source = open(onRejected)) {
            return kafka.run(
                    out, ConfigOptions.flags("topic.examples", topicFlag), config -> produce(source, config, out));
        }
    }

    private ExampleSource open(Consumer<RejectedRow> onRejected) throws IOException {
        if (input.csv != null) {
            return CsvExamples.open(input.csv, labelKind, modelId, onRejected);
        }
        if (input.jsonl != null) {
            return JsonLinesExamples.open(input.jsonl, labelKind, modelId, onRejected);
        }
        return CsvExamples.open(input.dataset, modelId, onRejected);
    }

    private int produce(ExampleSource source, EddyConfig config, PrintWriter out) throws Exception {
        String topic = config.topics().examples();
        ensureTopic(config, topic, out);
        Progress progress = new Progress(out, System.console() != null, "examples sent to " + topic);
        try (ExampleProducer producer = new ExampleProducer(config.clientProperties(), topic)) {
            // A row naming a model is keyed by it (direct routing on partitioned input trains a model in the
            // partition of that key), every other row by the file's name: each model's rows in one partition, in
            // file order.
            while (source.hasNext()) {
                Example example = source.next();
                producer.send(example.getModelId() != null ? example.getModelId() : source.name(), example);
                progress.update(producer.sent());
            }
            producer.flush();
            progress.finish();
            long notWritten = producer.sent() - producer.acknowledged();
            if (notWritten > 0) {
                Exception cause = producer.firstFailure();
                throw new IllegalStateException(notWritten + " of " + producer.sent() + " examples from "
                        + source.description() + " were not written to " + topic
                        + (cause == null ? "" : "; first failure: " + cause));
            }
            out.printf(
                    "produced %d examples to %s (%d rows rejected) in %.1f s%n",
                    producer.acknowledged(), topic, source.rejectedCount(), progress.elapsedSeconds());
            out.flush();
        }
        return 0;
    }

    /** Creates the target topic if missing (with Eddy's defaults when it is a default topic). */
    private static void ensureTopic(EddyConfig config, String topic, PrintWriter out) throws Exception {
        NewTopic spec = Topics.spec(
                topic, Topics.defaults(Topics.DEFAULT_PARTITIONS, config::topicNamed, config.snapshotMaxBytes()));
        try (Admin admin = Admin.create(config.clientProperties())) {
            ClusterContact.await(admin, config.bootstrapServers(), config.bootstrapTimeout());
            List<String> created = Topics.createMissing(admin, List.of(spec), TopicsCommand.TIMEOUT);
            if (!created.isEmpty()) {
                out.println("created topic " + topic);
            }
        }
    }
}
