package dev.eddy.lifecycle;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code eddy snapshots}: the versions in the snapshot topic with their holdout metrics. */
@Command(
        name = "snapshots",
        mixinStandardHelpOptions = true,
        header = "List the model snapshots in the snapshot topic.",
        description = {
            "List the model snapshots in the snapshot topic: version, reason, whether the quality gate accepted it,",
            "steps, examples and holdout metrics. The topic is compacted, so old versions may have been removed."
        })
public final class SnapshotsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    SnapshotTopicOptions source;

    @Option(names = "--model", paramLabel = "ID", description = "Only this model.")
    String model;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        SnapshotLog log = source.read(source.config(), Set.of());
        List<SnapshotLog.Version> list = log.of(model);
        out.printf(
                "%-16s %8s %-10s %-9s %10s %12s  %s%n",
                "MODEL", "VERSION", "REASON", "ACCEPTED", "STEPS", "EXAMPLES", "HOLDOUT METRICS");
        for (SnapshotLog.Version s : list) {
            out.println(line(s));
        }
        if (list.isEmpty()) {
            out.println(model == null ? "(no snapshots)" : "(no snapshots of model '" + model + "')");
        }
        if (log.undecodable() > 0) {
            out.println(log.undecodable() + " record(s) of the topic were not snapshots and were skipped");
        }
        out.flush();
        return list.isEmpty() && model != null ? 1 : 0;
    }

    /** One row of the listing; a refused snapshot shows its refusal reason. */
    static String line(SnapshotLog.Version s) {
        StringBuilder metrics = new StringBuilder();
        Map<String, Double> sorted = new TreeMap<>(s.holdoutMetrics());
        sorted.forEach((k, v) -> metrics.append(metrics.length() == 0 ? "" : " ")
                .append(k)
                .append('=')
                .append(String.format("%.6g", v)));
        String row = String.format(
                "%-16s %8d %-10s %-9s %10d %12d  %s",
                s.modelId(),
                s.version(),
                s.reason().name().toLowerCase(java.util.Locale.ROOT),
                s.accepted() ? "yes" : "no",
                s.stepsSeen(),
                s.examplesSeen(),
                metrics.length() == 0 ? "-" : metrics);
        return s.accepted() ? row : row + "  (refused: " + s.refusalReason() + ")";
    }
}
