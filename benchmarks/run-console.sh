#!/usr/bin/env bash
# The live console's cost (issue 18) on the in-JVM broker: time from navigation until the models table has a row per
# model (20) and until one model's charts are drawn, in Debian's headless chromium over DevTools; then model-examples
# trained per second with the console open (/ and /?model=m00, polling once a second) and closed, alternating in the
# same run. About 2 minutes on 2 cores (plus the build). Needs chromium on the PATH (apt-get install chromium).
#
# Environment: SKIP_BUILD=1 to reuse benchmarks/target/benchmarks.jar, JAVA_OPTS (default -Xmx3g). Other arguments go
# to ConsoleBenchmark (--models, --examples, --phase-seconds, --phases, --navigations; --help lists them).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

# shellcheck source=benchmarks/lib/prelude.sh
source benchmarks/lib/prelude.sh
warn_if_loaded
build_benchmarks

# shellcheck disable=SC2086
exec java ${JAVA_OPTS:--Xmx3g} -cp benchmarks/target/benchmarks.jar dev.eddy.benchmarks.console.ConsoleBenchmark "$@"
