#!/usr/bin/env bash
# Restore time of a 1M-parameter model after kill -9 (issue 16, item 9): eddy run in a child JVM on the in-JVM broker,
# killed and restarted 3 times with static membership (kafka.group.instance.id) and 3 times without; prints the seconds
# from each launch to /metrics up, to the committed steps restored in /models, and to the first step after it. About
# 2-3 minutes on 2 cores (plus the build).
#
# Environment: SKIP_BUILD=1 to reuse benchmarks/target/benchmarks.jar, JAVA_OPTS (default -Xmx1g, the benchmark's
# own JVM: broker and producer). Other arguments go to RestoreBenchmark (--help lists them).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

# shellcheck source=benchmarks/lib/prelude.sh
source benchmarks/lib/prelude.sh
warn_if_loaded
build_benchmarks

# shellcheck disable=SC2086
exec java ${JAVA_OPTS:--Xmx1g} -cp benchmarks/target/benchmarks.jar dev.eddy.benchmarks.restore.RestoreBenchmark "$@"
