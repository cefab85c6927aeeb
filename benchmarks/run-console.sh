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

load="$(cut -d' ' -f1 /proc/loadavg)"
if awk -v l="$load" -v c="$(nproc)" 'BEGIN { exit !(l > c * 0.75) }'; then
  echo "WARNING: load average $load on $(nproc) cores: other jobs are running, the figures will be unreliable"
fi

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  echo "== building benchmarks and the modules it needs"
  mvn -B -q -pl benchmarks -am package -DskipTests -Dspotless.check.skip=true
fi

# shellcheck disable=SC2086
exec java ${JAVA_OPTS:--Xmx3g} -cp benchmarks/target/benchmarks.jar dev.eddy.benchmarks.console.ConsoleBenchmark "$@"
