#!/usr/bin/env bash
# Coverage-guided fuzzing of the SMTP command parser and the DATA content reader with AFL++ and SharpFuzz.
#   scripts/fuzz.sh [seconds]      # default 600; the time is split between the two targets
# Installs afl++ (Debian) and the SharpFuzz instrumenter (NuGet tool SharpFuzz.CommandLine 2.3.0) when missing,
# publishes fuzz/OutboundGuard.Fuzz, instruments OutboundGuard.Smtp.dll, runs afl-fuzz per target, prints
# executions and coverage, and copies every crash input into tests/OutboundGuard.Reliability.Tests/FuzzRegressions
# (replayed by the test suite). Exits 1 when a crash was found.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
per_target=$(( seconds / 2 > 5 ? seconds / 2 : 5 ))
work=artifacts/fuzz
tool_dir=.tools/sharpfuzz

if ! command -v afl-fuzz >/dev/null; then
  if [[ $(id -u) -ne 0 ]]; then echo "afl-fuzz is missing: sudo apt-get install -y afl++" >&2; exit 2; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q afl++ >/dev/null
fi
if [[ ! -x $tool_dir/sharpfuzz ]]; then
  dotnet tool install --tool-path "$tool_dir" SharpFuzz.CommandLine --version 2.3.0 >/dev/null
fi

rm -rf "$work" && mkdir -p "$work"
dotnet publish fuzz/OutboundGuard.Fuzz -c Release -o "$work/bin" -nologo -v q >/dev/null
"$tool_dir/sharpfuzz" "$work/bin/OutboundGuard.Smtp.dll" >/dev/null

export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
status=0
for target in command data; do
  out="$work/out-$target"
  timeout $(( per_target + 60 )) afl-fuzz -i "fuzz/corpus/$target" -o "$out" -t 5000 -m none -V "$per_target" \
    -- dotnet "$work/bin/OutboundGuard.Fuzz.dll" "$target" >"$work/afl-$target.log" 2>&1 || true
  stats="$out/default/fuzzer_stats"
  if [[ ! -f $stats ]]; then
    echo "$target: afl-fuzz did not run; see $work/afl-$target.log" >&2
    tail -20 "$work/afl-$target.log" >&2
    status=2
    continue
  fi
  execs=$(awk -F': *' '$1 ~ /^execs_done/ {print $2}' "$stats")
  paths=$(awk -F': *' '$1 ~ /^corpus_count/ {print $2}' "$stats")
  coverage=$(awk -F': *' '$1 ~ /^bitmap_cvg/ {print $2}' "$stats")
  crashes=$(find "$out/default/crashes" -type f -name 'id:*' 2>/dev/null | wc -l)
  echo "$target: ${per_target} s, $execs executions, $paths corpus entries, edge coverage $coverage, $crashes crashes"
  if (( crashes > 0 )); then
    mkdir -p "tests/OutboundGuard.Reliability.Tests/FuzzRegressions/$target"
    for crash in "$out"/default/crashes/id:*; do
      cp "$crash" "tests/OutboundGuard.Reliability.Tests/FuzzRegressions/$target/crash-$(sha1sum "$crash" | cut -c1-12).bin"
    done
    status=1
  fi
done
exit $status
