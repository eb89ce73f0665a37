#!/bin/sh
# Load tests of the delivery queue against Postfix's smtp-sink, skipped in the normal test run:
#   - a 30 s smarthost outage while messages keep arriving: nothing lost, each message delivered once;
#   - throughput over reused connections.
# Settings (environment): OG_DELIVERY_MESSAGES (default 2000), OG_DELIVERY_OUTAGE_SECONDS (default 30).
set -eu
cd "$(dirname "$0")/.."
OG_DELIVERY_LOAD=1 exec dotnet test tests/OutboundGuard.Delivery.Tests --filter "Category=Load" \
    --logger "console;verbosity=detailed" "$@"
