#!/usr/bin/env bash
# Learning quality (issue 11): `eddy evaluate` (Eddy's learners, the no-change and majority baselines) and the MOA
# peers (Hoeffding Adaptive Tree, Leveraging Bagging, Adaptive Random Forest) over the same streams in the same
# order, then ONE markdown table: streams x learners, accuracy / kappa-temporal, and the wall time of each part.
#
# Usage: benchmarks/run-learning-quality.sh [STREAM OPTIONS]
#   The options of eddy evaluate: --csv FILE, --dataset NAME (repeatable), --label-kind, --examples, --seed,
#   --drift-every; --model FILE goes to eddy evaluate only. Without stream options:
#   --csv ../shared/datasets/elec2/elec2.csv.gz --dataset sea --dataset hyperplane --dataset agrawal
#   --dataset breast-cancer --dataset digits   (elec2 skipped, with a line saying so, when ../shared is absent)
# Environment: SKIP_BUILD=1 reuses streams-app/target/eddy.jar and benchmarks/target/benchmarks.jar;
#   OUT_DIR (default: a new /tmp/eddy-quality.XXXXXX) receives both report directories (eddy/, moa/).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
out="${OUT_DIR:-$(mktemp -d /tmp/eddy-quality.XXXXXX)}"
mkdir -p "$out"
bench_jar="$root/benchmarks/target/benchmarks.jar"

args=("$@")
if [[ ${#args[@]} -eq 0 ]]; then
  elec2="$root/../shared/datasets/elec2/elec2.csv.gz"
  if [[ -f "$elec2" ]]; then
    args+=(--csv "$elec2")
  else
    echo "skipping elec2: $elec2 not found (the shared datasets folder beside the repository)" >&2
  fi
  args+=(--dataset sea --dataset hyperplane --dataset agrawal --dataset breast-cancer --dataset digits)
fi

# The MOA runner reads the same streams: every option but --model (Eddy's learners).
moa_args=()
i=0
while [[ $i -lt ${#args[@]} ]]; do
  case "${args[$i]}" in
    --model) i=$((i + 2)) ;;
    --model=*) i=$((i + 1)) ;;
    --report|--report=*)
      echo "run-learning-quality.sh: --report is set by the script; use OUT_DIR=DIR to keep the reports" >&2
      exit 2 ;;
    *) moa_args+=("${args[$i]}"); i=$((i + 1)) ;;
  esac
done

load="$(cut -d' ' -f1 /proc/loadavg)"
if awk -v l="$load" -v c="$(nproc)" 'BEGIN { exit !(l > c * 0.75) }'; then
  echo "WARNING: load average $load on $(nproc) cores: the accuracies hold, the times and examples/s do not" >&2
fi

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  echo "== building eddy.jar and benchmarks.jar" >&2
  (cd "$root" && mvn -B -q -pl benchmarks -am package -DskipTests)
fi
for jar in "$root/streams-app/target/eddy.jar" "$bench_jar"; do
  [[ -f "$jar" ]] || { echo "run-learning-quality.sh: $jar not found; run without SKIP_BUILD=1" >&2; exit 1; }
done

now() { date +%s.%N; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

echo "== eddy evaluate ${args[*]} (report in $out/eddy)" >&2
t0="$(now)"
"$root/bin/eddy" evaluate "${args[@]}" --report "$out/eddy" > "$out/eddy.log"
t1="$(now)"
echo "== MOA peers ${moa_args[*]} (report in $out/moa)" >&2
java -cp "$bench_jar" dev.eddy.benchmarks.quality.MoaPeers "${moa_args[@]}" --report "$out/moa" > "$out/moa.log"
t2="$(now)"

java -cp "$bench_jar" dev.eddy.benchmarks.quality.LearningQualityTable \
  "$out/eddy/report.json" "$out/moa/report.json" \
  --part "eddy evaluate=$(seconds "$t0" "$t1")" --part "MOA peers=$(seconds "$t1" "$t2")"
echo "(reports and logs in $out; MOA's own figures beside Eddy's scores of its predictions: $out/moa.log)" >&2
