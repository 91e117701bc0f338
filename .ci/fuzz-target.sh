#!/usr/bin/env bash
# Fuzzes one target for a fixed time: .ci/fuzz-target.sh PKG FUNC FUZZTIME.
# Go's fuzzer can end a run with "context deadline exceeded" when -fuzztime runs out while
# a worker is still minimizing a new input; nothing failed then, and no failing input is
# written. Such a run is tried once more; any other failure, or a second one, fails.
set -uo pipefail
pkg=$1 fn=$2 time=$3
for attempt in 1 2; do
  out=$(go test -run '^$' -fuzz "^${fn}\$" -fuzztime "$time" -fuzzminimizetime 5s "./$pkg" 2>&1)
  rc=$?
  echo "$out" | tail -n 4
  [ $rc -eq 0 ] && exit 0
  if [ $attempt -eq 1 ] && grep -q 'context deadline exceeded' <<<"$out" && ! grep -q 'Failing input written' <<<"$out"; then
    echo "fuzz $fn: the run ended inside a minimization (context deadline exceeded, no failing input); once more"
    continue
  fi
  echo "$out"
  exit 1
done
exit 1
