#!/usr/bin/env bash
# Runs OutboundGuard on the working default: private PostgreSQL and spool in ./data, SMTP on
# 127.0.0.1:2525 (STARTTLS with a development certificate), HTTP on 127.0.0.1:8025, delivery into the
# built-in sink (./data/sink), and a demo account whose credentials it prints. Ctrl-C stops everything.
# Extra arguments go to `outboundguard serve`, e.g. ./run.sh --smarthost 127.0.0.1:2601
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/install-deps.sh
dotnet build src/OutboundGuard -c Release -v quiet -nologo -clp:ErrorsOnly
exec dotnet src/OutboundGuard/bin/Release/net10.0/outboundguard.dll serve --environment Development --smtp 127.0.0.1:2525 --http 127.0.0.1:8025 --data ./data "$@"
