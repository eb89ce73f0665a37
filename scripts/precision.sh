#!/usr/bin/env bash
# Runs the precision suite: the generated precision scenario replayed against a fresh relay for each seed,
# measuring what legitimate senders suffer and what attacks get out. Seed 1 is the tuning seed; 2 and 3 are
# held out. Prints each seed's figures table (also written to artifacts/precision-seed-N.txt).
#   scripts/precision.sh          # seeds 1 2 3
#   scripts/precision.sh 1        # the tuning seed only
set -euo pipefail
cd "$(dirname "$0")/.."

seeds=("$@")
if ((${#seeds[@]} == 0)); then
  seeds=(1 2 3)
fi

for s in "${seeds[@]}"; do
  [[ "$s" =~ ^[0-9]+$ ]] || { echo "error: a seed is a number, not $s" >&2; exit 2; }
  rm -f "artifacts/precision-seed-$s.txt"
done

status=0
OUTBOUNDGUARD_PRECISION=1 OUTBOUNDGUARD_PRECISION_SEEDS="${seeds[*]}" \
  dotnet test tests/OutboundGuard.Containment.Tests -c Release --filter "Category=Precision" \
  --logger "console;verbosity=normal" || status=$?

for s in "${seeds[@]}"; do
  echo
  if [[ -f "artifacts/precision-seed-$s.txt" ]]; then
    cat "artifacts/precision-seed-$s.txt"
  else
    echo "Seed $s: no figures (the run did not get as far as measuring; see the test output above)."
  fi
done

exit "$status"
