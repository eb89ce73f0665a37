#!/usr/bin/env bash
# Installs what OutboundGuard's run, tests and benchmarks need from Debian's packages, idempotently.
# Run as root (or with sudo); without root it prints the one apt-get line to run instead.
#   scripts/install-deps.sh          # the run and test set
#   scripts/install-deps.sh --bench  # plus the peers measured in benchmarks (rspamd, spamassassin)
set -euo pipefail

# dovecot-core, slapd: the directories that directory-backed AUTH is tested against (private instances).
# libnet-ssleay-perl: swaks speaks STARTTLS through it (--no-install-recommends leaves it out); publicsuffix: the list's data;
# scripts/deps.tsv maps each program called to its package (scripts/check-deps.sh checks it; it reads the
# packages=(…) and packages+=(…) lines, one list per line).
packages=(postgresql postfix libsasl2-modules swaks libnet-ssleay-perl dnsmasq haproxy chromium chromium-driver publicsuffix)
packages+=(dovecot-core slapd)
# openssl: its s_client is the TLS client that tells a resumed session from a new one (SMTP TLS tests).
packages+=(openssl)
# npm (scripts/fetch-corpus.sh): Debian's package, unless a Node.js build that bundles npm is installed already
# (Debian's npm conflicts with it).
if ! command -v npm >/dev/null; then
  packages+=(npm)
fi
if [[ "${1:-}" == "--bench" ]]; then
  # spamd is a package of its own on Debian 12 (the SpamAssassin peer in benchmarks runs it). openssl (in the run set
  # above) also makes the submission benchmark's SHA512-CRYPT hashes and its Postfix peer's self-signed certificate.
  packages+=(rspamd spamassassin spamd spamc python3-matplotlib afl++ linux-perf)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "Missing Debian packages: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi

echo "Installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# postfix asks where it sends mail; we only use its binaries (smtp-sink, smtp-source, a private instance in tests).
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
# The packages' own services are not used: tests and benchmarks start private instances.
for svc in postgresql postfix dnsmasq haproxy rspamd spamassassin spamd dovecot slapd; do
  (service "$svc" stop >/dev/null 2>&1 || true)
done
echo "Installed: ${missing[*]}"
