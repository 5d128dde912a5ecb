#!/usr/bin/env bash
# Sets up everything the test suite needs on a Debian machine (12 or 13), as root or with
# sudo, and never installs, replaces, stops or reconfigures an MTA (docs/install.md):
#
#  1. .venv/ in the checkout with the project and its test extra. A stock Debian refuses
#     `pip install` into its python (PEP 668) and ships ensurepip only in python3-venv: when
#     `python3 -m venv` fails, python3-venv is installed with apt and the venv made again.
#  2. swaks, tmux and GNU time from apt, if missing (for the benchmarks).
#  3. Postfix's programs (smtp-sink, and postfix/master for the private loopback instance of
#     tests/fixtures/postfix.py): Debian's postfix .deb is downloaded (apt-get download) and
#     unpacked (dpkg-deb -x) into tests/.postfix-root/; the postfix package is never
#     installed. The libraries it links (its lib* dependencies) are installed with apt.
#  4. The accounts the private Postfix runs as: user smtptui-postfix, group smtptui-postdrop
#     (never the postfix/postdrop accounts of a system Postfix).
#
# Every apt-get install is simulated first and refused when apt would remove a package or
# install or upgrade an MTA (postfix, exim4*, sendmail*, anything that provides
# mail-transport-agent); it then runs with --no-install-recommends --no-remove. apt-get update
# runs once, and only when something is missing. Safe to run again: what is there is kept
# (rm -rf tests/.postfix-root to unpack a newer postfix).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/sbin:/sbin"  # useradd and friends, also under a plain `su`

TREE=tests/.postfix-root
MAIL_OWNER=smtptui-postfix
SETGID_GROUP=smtptui-postdrop

say() { echo "install.sh: $*" >&2; }
die() { say "$*"; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    die "needs root (or sudo) for: $*"
  fi
}

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q ' installed$'; }

apt_updated=""
apt_update() {
  [ -n "$apt_updated" ] && return 0
  as_root apt-get update -q
  apt_updated=1
}

# apt_install PKG...: install PKGs, refusing (before anything changes) if apt would remove
# a package or install/upgrade an MTA.
apt_install() {
  apt_update
  local sim pkg mtas
  sim=$(LC_ALL=C apt-get -s install --no-install-recommends "$@") \
    || die "apt-get cannot install $*:"$'\n'"$sim"
  if grep -q '^Remv ' <<<"$sim"; then
    die "refusing: installing $* would remove packages:"$'\n'"$(grep '^Remv ' <<<"$sim")"
  fi
  mtas=$(LC_ALL=C apt-cache showpkg mail-transport-agent 2>/dev/null \
    | sed '1,/^Reverse Provides:/d' | awk '{print $1}' | sort -u)
  for pkg in $(awk '/^Inst /{sub(/:.*/, "", $2); print $2}' <<<"$sim"); do
    case "$pkg" in
      postfix | postfix-* | exim4* | sendmail*) die "refusing: $* would install $pkg (an MTA)" ;;
    esac
    if grep -qxF "$pkg" <<<"$mtas"; then
      die "refusing: $* would install $pkg, which provides mail-transport-agent"
    fi
  done
  as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends --no-remove "$@"
}

# --- 1. the virtual environment ---------------------------------------------------------
if ! { [ -x .venv/bin/python ] && .venv/bin/python -m pip --version >/dev/null 2>&1; }; then
  if ! python3 -m venv .venv; then
    say "python3 -m venv failed (on Debian ensurepip comes with python3-venv): installing it"
    apt_install python3-venv
    python3 -m venv .venv
  fi
fi
say "installing the project and its test extra into .venv (pip)"
.venv/bin/python -m pip install -q -e '.[test]'

# --- 2. swaks, tmux, GNU time ---------------------------------------------------------
need=()
for pkg in swaks tmux time; do
  installed "$pkg" || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  apt_install "${need[@]}"
fi

# --- 3. Postfix's programs, unpacked, not installed -----------------------------------
# missing_libs DIR: the libraries DIR's programs link and the loader cannot find.
missing_libs() {
  local f
  for f in "$1"/usr/sbin/* "$1"/usr/lib/postfix/sbin/*; do
    LD_LIBRARY_PATH="$1/usr/lib/postfix" ldd "$f" 2>/dev/null | awk '/not found/{print $1}'
  done | sort -u
}

# Debian's post-install (postfix 3.9 and later, Debian 13) ends by running the hook
# /usr/lib/postfix/configure-instance.sh by absolute path: it reads /etc/default/postfix and
# syncs the chroot of a system instance. The private instance has no chrooted service and must
# not run a system Postfix's files: the unpacked copy calls ':' instead.
HOOK=/usr/lib/postfix/configure-instance.sh

tree_runs() {
  [ -s "$1/VERSION" ] && [ -x "$1/usr/sbin/postfix" ] && [ -x "$1/usr/sbin/smtp-sink" ] \
    && ! grep -q "^[[:space:]]*$HOOK" "$1/usr/lib/postfix/sbin/post-install" \
    && [ -z "$(missing_libs "$1")" ] \
    && LD_LIBRARY_PATH="$1/usr/lib/postfix" "$1/usr/sbin/postconf" -d mail_version >/dev/null 2>&1
}

if ! tree_runs "$TREE"; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp" "$TREE.new"' EXIT
  chmod 755 "$tmp"
  if [ "$(id -u)" -eq 0 ] && getent passwd _apt >/dev/null; then
    chown _apt "$tmp"  # apt-get download then fetches as _apt, sandboxed
  fi
  apt_update
  (cd "$tmp" && apt-get download -q postfix)
  deb=$(echo "$tmp"/postfix_*.deb)
  [ -f "$deb" ] || die "apt-get download postfix left no .deb in $tmp"
  version=$(dpkg-deb -f "$deb" Version)
  # Its libraries: the lib* packages among its Depends (first alternative, no version).
  libs=()
  for pkg in $(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/|.*//; s/(.*//; s/ //g'); do
    case "$pkg" in lib*) installed "$pkg" || libs+=("$pkg") ;; esac
  done
  if [ ${#libs[@]} -gt 0 ]; then
    apt_install "${libs[@]}"
  fi
  rm -rf "$TREE.new"
  mkdir -p "$TREE.new"
  dpkg-deb -x "$deb" "$TREE.new"
  chmod -R u-s,g-s "$TREE.new"  # nothing set-id in the checkout
  sed -i "s|^\([[:space:]]*\)$HOOK|\1: skipped by smtptui: $HOOK|" \
    "$TREE.new/usr/lib/postfix/sbin/post-install"
  # Debian's postinst writes dynamicmaps.cf (no map plugins here); post-install expects it.
  : >"$TREE.new/etc/postfix/dynamicmaps.cf"
  echo "$version" >"$TREE.new/VERSION"
  if ! tree_runs "$TREE.new"; then
    die "postfix $version unpacked, but its programs do not run; libraries not found:" \
      "$(missing_libs "$TREE.new" | tr '\n' ' ')"
  fi
  rm -rf "$TREE"
  mv "$TREE.new" "$TREE"
  say "postfix $version unpacked into $TREE (not installed)"
fi

# --- 4. the private instance's accounts -----------------------------------------------
if ! getent group "$SETGID_GROUP" >/dev/null; then
  as_root groupadd --system "$SETGID_GROUP"
fi
if ! getent passwd "$MAIL_OWNER" >/dev/null; then
  if getent group "$MAIL_OWNER" >/dev/null; then group=(--gid "$MAIL_OWNER"); else group=(--user-group); fi
  as_root useradd --system "${group[@]}" --no-create-home --home-dir /nonexistent \
    --shell /usr/sbin/nologin --comment "smtptui tests, private loopback Postfix" "$MAIL_OWNER"
fi

say "ready: .venv ($(.venv/bin/python -V)), postfix $(cat "$TREE/VERSION") in $TREE," \
  "swaks, tmux, time; accounts $MAIL_OWNER/$SETGID_GROUP"
