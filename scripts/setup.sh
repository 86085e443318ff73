#!/usr/bin/env bash
# Prepares a checkout: Debian packages the chosen task needs, npm dependencies, the build.
# Usage: scripts/setup.sh [start|test]   (test also installs what the test suite needs, e.g. etcd)
# Safe to run again: it only does what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
purpose="${1:-start}"

say() { printf '\033[1mskiff setup:\033[0m %s\n' "$*" >&2; }

# Debian packages: command -> package. The test suite runs a real etcd; containerd joins with the kubelet.
declare -A needed=()
if [ "$purpose" = "test" ]; then
  needed[etcd]=etcd-server
fi

missing=()
for cmd in "${!needed[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${needed[$cmd]}")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    say "missing Debian packages: ${missing[*]}. Install them as root: apt-get update && apt-get install -y ${missing[*]}"
    exit 1
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    say "missing packages ${missing[*]}, and this machine has no apt-get: install them with your package manager"
    exit 1
  fi
  say "installing Debian packages: ${missing[*]} …"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Debian's etcd-server enables a system etcd on install; Skiff starts its own, so leave the system one off.
  say "installed ${missing[*]}"
fi

# npm dependencies: install when node_modules is missing or older than the lockfile.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm dependencies (the SQLite driver compiles from source: about a minute the first time) …"
  npm ci --no-audit --no-fund --loglevel=error
fi

if [ "$purpose" = "start" ]; then
  say "building …"
  npx tsc -p tsconfig.json
fi
