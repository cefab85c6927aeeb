#!/usr/bin/env bash
# Sparse serving: InferenceModel.predict of the medium (64-128-10) and large (784-256-128-10) nets at batch 1 and 32,
# unpruned and pruned to 50/80/90/95% per layer, each with the dense and the sparse kernel forced (JMH
# SparseServingBenchmark), and the export size of each (SnapshotSizes). Prints, per net, batch and sparsity:
# predictions/s of both kernels, the sparse/dense ratio on the same weights (the threshold choice) and the ratio of
# the kernel AUTO picks to the unpruned dense net, and the size ratio unpruned/pruned. About 4 minutes on 2 cores.
#
# Environment: SKIP_BUILD=1 reuses benchmarks/target/benchmarks.jar; JMH_ARGS overrides the iteration options.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
out="${OUT_DIR:-$(mktemp -d /tmp/eddy-sparse.XXXXXX)}"
mkdir -p "$out"
cd "$root"

load="$(cut -d' ' -f1 /proc/loadavg)"
echo "load average $load on $(nproc) cores"

# shellcheck source=benchmarks/lib/prelude.sh
source benchmarks/lib/prelude.sh
build_benchmarks

echo "== JMH SparseServingBenchmark (results in $out/jmh.json)"
# shellcheck disable=SC2086
java -jar benchmarks/target/benchmarks.jar SparseServingBenchmark \
  ${JMH_ARGS:--wi 2 -w 1 -i 3 -r 1 -f 1} -rf json -rff "$out/jmh.json" > "$out/jmh.log"
java -cp benchmarks/target/benchmarks.jar dev.eddy.benchmarks.serving.SnapshotSizes > "$out/sizes.jsonl"

python3 - "$out/jmh.json" "$out/sizes.jsonl" <<'PY'
import json, sys
rates = {}
for r in json.load(open(sys.argv[1])):
    p = r["params"]
    rates[(p["net"], int(p["batch"]), float(p["sparsity"]), p["kernel"])] = r["secondaryMetrics"]["predictions"]["score"]
sizes = {}
for line in open(sys.argv[2]):
    s = json.loads(line)
    sizes[(s["net"], float(s["sparsity"]))] = s["bytes"]
# The kernel InferenceModel's AUTO takes (SparseKernel.SINGLE_ROW_THRESHOLD, BATCH_THRESHOLD).
def auto(batch, sparsity):
    return "SPARSE" if sparsity >= (0.8 if batch == 1 else 0.95) else "DENSE"
print()
print(f'{"net":6s} {"batch":>5s} {"sparsity":>8s} {"dense/s":>10s} {"sparse/s":>10s} {"sparse/dense":>12s} '
      f'{"auto vs unpruned":>16s} {"export bytes":>12s} {"smaller":>7s}')
for net in ("medium", "large"):
    for batch in (1, 32):
        base = rates[(net, batch, 0.0, "DENSE")]
        for s in (0.0, 0.5, 0.8, 0.9, 0.95):
            d, sp = rates[(net, batch, s, "DENSE")], rates[(net, batch, s, "SPARSE")]
            a = rates[(net, batch, s, auto(batch, s))]
            size = sizes[(net, s)]
            print(f'{net:6s} {batch:5d} {s:8.2f} {d:10.0f} {sp:10.0f} {sp / d:12.2f} {a / base:16.2f} '
                  f'{size:12d} {sizes[(net, 0.0)] / size:7.2f}')
PY
