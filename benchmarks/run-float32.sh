#!/usr/bin/env bash
# The float32 training path side by side with float64 and PyTorch float32 (issue 17, item 3): TrainStepBenchmark with
# precision=float64 and float32 (the default Java kernel) on the small and large nets at batch 1, 32 and 256 in one
# JMH run whose JVM has the Vector API (--add-modules jdk.incubator.vector: float32's vector rows), float32 again in a
# JVM without it (the plain loops, what float32 runs without that option), then torch_train_step.py (float32, 2
# threads) on the same nets; prints per net and batch the examples/s, float32 / float64, float32 / torch and vector
# rows / loops, with the issue's targets (large at 256: float32 >= 1.5x float64; large at 32: float32 >= 1.5x torch).
# About 4 minutes on 2 cores (plus the build).
#
# Environment: TORCH_VENV (default /tmp/torchenv), TORCH_WHEELS (see lib/torch-venv.sh), SKIP_BUILD=1 to reuse
# benchmarks/target/benchmarks.jar, JMH_ARGS to override the JMH iteration options, NETS (default small,large),
# TORCH_THREADS (default 2; on an oversubscribed machine torch's 2 OpenMP threads collapse, 1 thread does not).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
out="${OUT_DIR:-$(mktemp -d /tmp/eddy-float32.XXXXXX)}"
mkdir -p "$out"
venv="${TORCH_VENV:-/tmp/torchenv}"
nets="${NETS:-small,large}"
cd "$root"
# shellcheck source=benchmarks/lib/torch-venv.sh
source benchmarks/lib/torch-venv.sh

load="$(cut -d' ' -f1 /proc/loadavg)"
loaded=0
if awk -v l="$load" -v c="$(nproc)" 'BEGIN { exit !(l > c * 0.75) }'; then
  echo "WARNING: load average $load on $(nproc) cores: other jobs are running, the figures will be unreliable"
  loaded=1
fi
threads="${TORCH_THREADS:-2}"

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  echo "== building benchmarks and the modules it needs"
  mvn -B -q -pl benchmarks -am package -DskipTests -Dspotless.check.skip=true
fi

echo "== JMH TrainStepBenchmark, precision float64 and float32, with the Vector API (results in $out/jmh.json)"
# shellcheck disable=SC2086
java -jar benchmarks/target/benchmarks.jar TrainStepBenchmark -p net="$nets" -p batch=1,32,256 \
  -p precision=float64,float32 ${JMH_ARGS:--wi 3 -w 1 -i 5 -r 1 -f 1} -jvmArgsAppend "--add-modules jdk.incubator.vector" \
  -rf json -rff "$out/jmh.json" > "$out/jmh.log"
grep -E '^TrainStepBenchmark' "$out/jmh.log" || true
echo "== JMH TrainStepBenchmark, precision float32, without the Vector API (results in $out/jmh-loops.json)"
# shellcheck disable=SC2086
java -jar benchmarks/target/benchmarks.jar TrainStepBenchmark -p net="$nets" -p batch=1,32,256 \
  -p precision=float32 ${JMH_ARGS:--wi 3 -w 1 -i 5 -r 1 -f 1} -rf json -rff "$out/jmh-loops.json" > "$out/jmh-loops.log"
grep -E '^TrainStepBenchmark' "$out/jmh-loops.log" || true

torch_json=""
ensure_torch "$venv"
if "$venv/bin/python" -c 'import torch' 2>/dev/null; then
  echo "== PyTorch $("$venv/bin/python" -c 'import torch; print(torch.__version__)') float32, $threads threads"
  "$venv/bin/python" benchmarks/torch_train_step.py --nets "$nets" --threads "$threads" --repeats 5 --seconds 0.5 \
    | tee "$out/torch.log"
  tail -1 "$out/torch.log" > "$out/torch.json"
  torch_json="$out/torch.json"
else
  echo "== no torch wheels found (find / -name 'torch-*.whl'): the torch column is left empty"
fi

python3 - "$out/jmh.json" "$torch_json" "$nets" "$loaded" "$threads" "$out/jmh-loops.json" <<'PY'
import json, sys
eddy = {}
for r in json.load(open(sys.argv[1])):
    p = r["params"]
    eddy[(p["net"], int(p["batch"]), p["precision"])] = r["secondaryMetrics"]["examples"]["score"]
for r in json.load(open(sys.argv[6])):
    p = r["params"]
    eddy[(p["net"], int(p["batch"]), "loops")] = r["secondaryMetrics"]["examples"]["score"]
torch = json.load(open(sys.argv[2])) if sys.argv[2] else {}
targets = {("large", 256): ("f32/f64", 1.5), ("large", 32): ("f32/torch", 1.5)}
print()
print("float32: with the Vector API (vector rows); loops: float32 in a JVM without it")
print(f'{"net":6s} {"batch":>5s} {"float64 ex/s":>13s} {"float32 ex/s":>13s} {"loops ex/s":>11s} {"torch ex/s":>11s} '
      f'{"f32/f64":>8s} {"f32/torch":>9s} {"f32/loops":>9s}  target')
for net in sys.argv[3].split(","):
    for batch in (1, 32, 256):
        d, f = eddy.get((net, batch, "float64")), eddy.get((net, batch, "float32"))
        loops = eddy.get((net, batch, "loops"))
        t = torch.get(f"{net}/{batch}")
        f64 = f / d if d and f else None
        ft = f / t if t and f else None
        fl = f / loops if loops and f else None
        line = (f'{net:6s} {batch:5d} {d or 0:13.0f} {f or 0:13.0f} {loops or 0:11.0f} {t or 0:11.0f} '
                f'{"" if f64 is None else f"{f64:8.2f}":>8s} {"" if ft is None else f"{ft:9.2f}":>9s} '
                f'{"" if fl is None else f"{fl:9.2f}":>9s}')
        if (net, batch) in targets:
            which, goal = targets[(net, batch)]
            value = f64 if which == "f32/f64" else ft
            line += f'  {which} >= {goal}: ' + ("not measured" if value is None else ("ok" if value >= goal else "MISSED"))
        print(line)
print(f"torch with {sys.argv[5]} thread(s)" + (", loaded machine: every verdict above is unreliable" if sys.argv[4] == "1" else ""))
PY
