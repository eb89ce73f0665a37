#!/usr/bin/env bash
# Runs the whole test suite against real components (private PostgreSQL clusters, Postfix, swaks,
# dnsmasq, Chromium) and ends with the line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"
bash scripts/install-deps.sh || exit 1
# The precision suite (tests/OutboundGuard.Containment.Tests/PrecisionTests.cs) runs on one held-out seed here;
# scripts/precision.sh runs all three (1 tuning, 2 and 3 held out).
export OUTBOUNDGUARD_PRECISION="${OUTBOUNDGUARD_PRECISION:-1}" OUTBOUNDGUARD_PRECISION_SEEDS="${OUTBOUNDGUARD_PRECISION_SEEDS:-3}"
results=artifacts/test-results
rm -rf "$results" && mkdir -p "$results"
dotnet build OutboundGuard.sln -c Release -nologo -v quiet -clp:ErrorsOnly || { echo "0 passed, 1 failed"; exit 1; }
dotnet test OutboundGuard.sln -c Release --no-build -nologo \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" 2>&1 | tee "$results/console.log" \
  | grep -E "Total tests|^\s+(Passed|Failed|Skipped):|^\s+Failed [A-Z]|\[FAIL\]| error " || true
status=${PIPESTATUS[0]}
passed=0; failed=0
for trx in "$results"/*.trx; do
  [[ -f $trx ]] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
if [[ $status -ne 0 && $failed -eq 0 ]]; then failed=1; fi
# A failed test's message (never its stack trace) so that a CI log says what failed, not only which test.
if [[ $failed -gt 0 ]]; then
  awk '/^[[:space:]]+Failed [A-Za-z]/ {show=1; n=0} /^[[:space:]]+Stack Trace:/ {show=0} show && n++ < 40' "$results/console.log"
fi
echo "$passed passed, $failed failed"
[[ $status -eq 0 && $failed -eq 0 ]]
