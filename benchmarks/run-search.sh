#!/usr/bin/env bash
# Online hyper-parameter search (issue 13): `eddy evaluate` with the searches search-asha, search-hyperband,
# search-zoom, search-pbt and search-random (default space, 16 trials, seed 42: the same 16 first configurations in all) beside the
# default learner and logistic-sgd, on elec2, sea, hyperplane and agrawal (generators: 100,000 examples, seed 42).
# Then one table per stream: the served accuracy of each search, the best and the median of the 16 configurations
# each over the whole stream (a random search trains every trial on every example exactly as alone: LocalSearchTest
# checks the trainer states bit for bit), the default learner, and whether the issue's two accuracy targets hold.
# Last, the cost: the 16 configurations run alone one after the other on the first stream, against the random search
# that trains them side by side (trial-examples per second, one process, same run).
#
# Usage: benchmarks/run-search.sh [STREAM OPTIONS of eddy evaluate]
# Environment: SKIP_BUILD=1 reuses streams-app/target/eddy.jar; OUT_DIR (default: a new /tmp/eddy-search.XXXXXX).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
out="${OUT_DIR:-$(mktemp -d /tmp/eddy-search.XXXXXX)}"
mkdir -p "$out"
args=("$@")
if [[ ${#args[@]} -eq 0 ]]; then
  elec2="$root/../shared/datasets/elec2/elec2.csv.gz"
  if [[ -f "$elec2" ]]; then
    args+=(--csv "$elec2")
  else
    echo "skipping elec2: $elec2 not found (the shared datasets folder beside the repository)" >&2
  fi
  args+=(--dataset sea --dataset hyperplane --dataset agrawal)
fi

load="$(cut -d' ' -f1 /proc/loadavg)"
echo "load average $load on $(nproc) cores (accuracies do not depend on it; examples/s do)" >&2
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  echo "== building eddy.jar" >&2
  (cd "$root" && mvn -B -q -pl streams-app -am package -DskipTests)
fi

learners=()
for l in default logistic-sgd search-asha search-hyperband search-zoom search-pbt search-random; do
  learners+=(--model "$root/benchmarks/learners/$l.properties")
done
echo "== eddy evaluate ${args[*]} with ${#learners[@]} learner options (report in $out/search)" >&2
"$root/bin/eddy" evaluate "${args[@]}" "${learners[@]}" --report "$out/search" > "$out/search.log"

# The 16 configurations of the random search, each alone, on the first stream (for the cost figure).
mkdir -p "$out/alone"
python3 - "$out/search/report.json" "$out/alone" <<'PY'
import json, sys
report, folder = sys.argv[1], sys.argv[2]
search = next(s for s in json.load(open(report))["streams"][0]["searches"] if s["learner"] == "search-random")
for t in search["trials"]:
    with open(f"{folder}/t{t['trial']:02d}.properties", "w") as f:
        f.writelines(f"{k}={v}\n" for k, v in sorted(t["config"].items()))
PY
first=("${args[0]}" "${args[1]}")
alone=()
for f in "$out"/alone/t*.properties; do alone+=(--model "$f"); done
echo "== the 16 configurations alone on ${first[*]} (report in $out/alone-report)" >&2
"$root/bin/eddy" evaluate "${first[@]}" "${alone[@]}" --report "$out/alone-report" > "$out/alone.log"

python3 - "$out/search/report.json" "$out/alone-report/report.json" <<'PY'
import json, statistics, sys
streams = json.load(open(sys.argv[1]))["streams"]
alone = json.load(open(sys.argv[2]))["streams"][0]
searches = ["search-asha", "search-hyperband", "search-zoom", "search-pbt", "search-random"]
print("| stream | " + " | ".join(searches) + " | best of the 16 alone | median of the 16 | default | logistic-sgd |")
print("|---|" + "---:|" * (len(searches) + 4))
targets = []
for s in streams:
    acc = {l["name"]: l["accuracy"] for l in s["learners"]}
    rs = next(x for x in s["searches"] if x["learner"] == "search-random")
    each = [t["prequential"] for t in rs["trials"]]
    best = max(each)
    print(f"| {s['name']} | " + " | ".join(f"{acc[n]:.4f}" for n in searches)
          + f" | {best:.4f} | {statistics.median(each):.4f} | {acc['default']:.4f} | {acc['logistic-sgd']:.4f} |")
    ok = lambda v, bound: "yes" if v >= bound else "NO"
    targets.append(f"{s['name']}: " + ", ".join(
        f"{n} {ok(acc[n], best - 0.01)}/{ok(acc[n], acc['default'])}" for n in searches))
print("\nissue targets, served accuracy >= best of the 16 alone - 0.01 / >= default:")
print("\n".join(targets))
print()
for s in streams:
    for x in s["searches"]:
        kinds = {}
        for e in x["events"]:
            kinds[e["kind"]] = kinds.get(e["kind"], 0) + 1
        print(f"{s['name']} {x['learner']}: {x['trialExamples']:,} trial-examples, "
              f"{x['trialExamplesPerSecond']:,.0f}/s; {kinds}")
first = streams[0]
rs = next(x for x in first["searches"] if x["learner"] == "search-random")
nets = [l for l in alone["learners"] if l["name"].startswith("t")]
# Alone: every configuration trains the same rows; its time is rows / (rows/s).
rows = alone["rows"]
seconds_alone = sum(rows / l["examplesPerSecond"] for l in nets)
trained = rs["trialExamples"] / len(rs["trials"])
alone_rate = trained * len(nets) / seconds_alone
print(f"\ncost on {first['name']}: the 16 side by side {rs['trialExamplesPerSecond']:,.0f} trial-examples/s, "
      f"the same 16 alone one after the other {alone_rate:,.0f} examples/s: ratio "
      f"{rs['trialExamplesPerSecond'] / alone_rate:.3f} (issue target >= 0.8)")
same = all(abs(l["accuracy"] - next(t["prequential"] for t in rs["trials"] if f"t{t['trial']:02d}" == l["name"])) < 1e-12
           for l in nets)
print(f"each configuration's accuracy alone equals its accuracy inside the random search: {same}")
PY
echo "(reports and logs in $out)" >&2
