#!/usr/bin/env bash
# End-to-end pipeline benchmark (issues 5 and 6) on the in-JVM broker: training examples/s of Eddy beside a plain
# Kafka Streams passthrough of the same records (commit interval 100 and 1000 ms), changelog bytes per example and
# snapshot freshness; then scoring features/s of the small and medium nets beside a passthrough, and the latency from
# feature produced to prediction committed. Prints two tables; about 2-4 minutes on 2 cores (plus the build).
#
# With --scale-out first, runs ScaleOutBenchmark instead (issue 17): 4 input partitions, 8 models, Eddy as separate
# JVMs, 1 vs 2 instances and threads beside a passthrough, fan-out bytes per example, restore time after a kill; about
# 5 minutes (--help lists its options).
#
# Environment: SKIP_BUILD=1 to reuse benchmarks/target/benchmarks.jar, ELEC2 (default ../shared/datasets/elec2/
# elec2.csv.gz; generated rows when absent), JAVA_OPTS (default -Xmx3g). Other arguments go to PipelineBenchmark
# (e.g. --examples 50000 --commit-intervals 100; --help lists them).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

# shellcheck source=benchmarks/lib/prelude.sh
source benchmarks/lib/prelude.sh
warn_if_loaded
build_benchmarks

main=dev.eddy.benchmarks.pipeline.PipelineBenchmark
if [[ "${1:-}" == --scale-out ]]; then
  shift
  main=dev.eddy.benchmarks.pipeline.ScaleOutBenchmark
fi

# shellcheck disable=SC2086
exec java ${JAVA_OPTS:--Xmx3g} -cp benchmarks/target/benchmarks.jar "$main" \
  --elec2 "${ELEC2:-$root/../shared/datasets/elec2/elec2.csv.gz}" "$@"
