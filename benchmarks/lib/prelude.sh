# Sourced by the benchmark scripts, from the repository root.
# warn_if_loaded [WHAT]: a warning when the 1-minute load average exceeds 3/4 of the cores, where WHAT (default
# "the figures will be unreliable") says what the load spoils.
warn_if_loaded() {
  local load
  load="$(cut -d' ' -f1 /proc/loadavg)"
  if awk -v l="$load" -v c="$(nproc)" 'BEGIN { exit !(l > c * 0.75) }'; then
    echo "WARNING: load average $load on $(nproc) cores: other jobs are running, ${1:-the figures will be unreliable}"
  fi
}

# build_benchmarks: unless SKIP_BUILD=1, packages benchmarks/target/benchmarks.jar and the modules it needs.
build_benchmarks() {
  if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    echo "== building benchmarks and the modules it needs"
    mvn -B -q -pl benchmarks -am package -DskipTests -Dspotless.check.skip=true
  fi
}
