#!/usr/bin/env bash
# The million-message traffic simulation (docs/detection.md, "Traffic simulation"): a week of at least 1,000,000
# legitimate messages with the four attacks injected, scored by the default policy on a simulated clock.
# Prints the table and writes it to artifacts/simulate-million-seed-N.txt (progress goes to stderr).
# Usage: scripts/simulate-million.sh [seed ...]   (default: 42)
set -euo pipefail
cd "$(dirname "$0")/.."
seeds=("${@:-42}")
mkdir -p artifacts
dotnet build src/OutboundGuard -c Release -v quiet -nologo >&2
for seed in "${seeds[@]}"; do
  out="artifacts/simulate-million-seed-${seed}.txt"
  start=$(date +%s)
  dotnet src/OutboundGuard/bin/Release/net10.0/outboundguard.dll simulate --messages 1000000 --days 7 --seed "$seed" | tee "$out"
  echo "wall time: $(( $(date +%s) - start )) s ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))" | tee -a "$out"
done
