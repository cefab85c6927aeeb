#!/usr/bin/env bash
# Train-step throughput of Eddy (JMH, float64; the default Java kernel, then -Deddy.kernel=openblas for the medium
# and large nets) side by side with PyTorch CPU (float32, 2 threads).
# Builds the benchmark jar (with the modules it needs), runs TrainStepBenchmark, installs torch offline into a
# venv when it is missing, runs torch_train_step.py and prints one table with the ratios and the
# targets of issue 4. The whole run takes about 3-4 minutes on 2 cores.
#
# Environment: TORCH_VENV (default /tmp/torchenv), TORCH_WHEELS (directories with wheels, space
# separated; default: found with `find /`), SKIP_BUILD=1 to reuse benchmarks/target/benchmarks.jar,
# JMH_ARGS to override the JMH iteration options.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
out="${OUT_DIR:-$(mktemp -d /tmp/eddy-bench.XXXXXX)}"
venv="${TORCH_VENV:-/tmp/torchenv}"
cd "$root"
# shellcheck source=benchmarks/lib/torch-venv.sh
source benchmarks/lib/torch-venv.sh

# Both columns need quiet cores: torch's OpenMP threads collapse when the cores are oversubscribed.
# shellcheck source=benchmarks/lib/prelude.sh
source benchmarks/lib/prelude.sh
warn_if_loaded
build_benchmarks

echo "== JMH TrainStepBenchmark (results in $out/jmh.json)"
# shellcheck disable=SC2086
java -jar benchmarks/target/benchmarks.jar TrainStepBenchmark \
  ${JMH_ARGS:--wi 3 -w 1 -i 5 -r 1 -f 1} -rf json -rff "$out/jmh.json" > "$out/jmh.log"
grep -E '^TrainStepBenchmark' "$out/jmh.log" || true
echo "== JMH TrainStepBenchmark with -Deddy.kernel=openblas, medium and large nets (results in $out/jmh-openblas.json)"
# shellcheck disable=SC2086
java -jar benchmarks/target/benchmarks.jar TrainStepBenchmark -p net=medium,large -p batch=32,256 \
  ${JMH_ARGS:--wi 3 -w 1 -i 5 -r 1 -f 1} -jvmArgsAppend -Deddy.kernel=openblas \
  -rf json -rff "$out/jmh-openblas.json" > "$out/jmh-openblas.log" || echo "(the OpenBLAS pass failed: see $out/jmh-openblas.log)"
grep -E '^TrainStepBenchmark' "$out/jmh-openblas.log" || true

torch_json=""
ensure_torch "$venv"
if "$venv/bin/python" -c 'import torch' 2>/dev/null; then
  echo "== PyTorch $("$venv/bin/python" -c 'import torch; print(torch.__version__)'), 2 threads"
  "$venv/bin/python" benchmarks/torch_train_step.py --repeats 5 --seconds 0.5 | tee "$out/torch.log"
  tail -1 "$out/torch.log" > "$out/torch.json"
  torch_json="$out/torch.json"
else
  echo "== no torch wheels found (find / -name 'torch-*.whl'): the torch column is left empty"
fi

python3 - "$out/jmh.json" "$torch_json" "$out/jmh-openblas.json" <<'PY'
import json, os, sys
def examples(path):
    out = {}
    if os.path.exists(path) and os.path.getsize(path) > 0:
        for r in json.load(open(path)):
            p = r["params"]
            out[f'{p["net"]}/{p["batch"]}'] = r["secondaryMetrics"]["examples"]["score"]
    return out
eddy, blas = examples(sys.argv[1]), examples(sys.argv[3])
torch = json.load(open(sys.argv[2])) if sys.argv[2] else {}
targets = {"small": {1: 10, 32: 2, 256: 1}, "medium": {1: 10, 32: 2, 256: 1}, "large": {256: 0.5}}
print()
print(f'{"net":8s} {"batch":>5s} {"kernel":>8s} {"eddy ex/s":>12s} {"torch ex/s":>12s} {"ratio":>7s} {"target":>7s}  ')
for net in ("small", "medium", "large"):
    for batch in (1, 32, 256):
        key = f"{net}/{batch}"
        for kernel, measured in (("java", eddy), ("openblas", blas)):
            e, t = measured.get(key), torch.get(key)
            if kernel == "openblas" and e is None:
                continue
            ratio = e / t if e and t else None
            goal = targets[net].get(batch)
            verdict = "" if ratio is None or goal is None else ("ok" if ratio >= goal else "MISSED")
            print(f'{net:8s} {batch:5d} {kernel:>8s} {e or 0:12.0f} {t or 0:12.0f} '
                  f'{"" if ratio is None else f"{ratio:7.2f}":>7s} {"" if goal is None else f">={goal}":>7s}  {verdict}')
PY
