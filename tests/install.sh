#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh Debian machine: Debian packages
# (Postfix for smtp-sink and the loopback MTA; swaks and time for the benchmarks; tmux) and the
# project with its test extra. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
for pkg in postfix swaks tmux time; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${need[@]}"
fi
python3 -m pip install -q -e '.[test]'
