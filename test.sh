#!/usr/bin/env bash
# Run every Lafia test: unit, storage (embedded PostgreSQL 17), HTTP end-to-end, and the console
# in a real browser (Debian's Chromium and ChromeDriver, installed here when missing).
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  echo "test.sh: installing Debian's chromium and chromium-driver for the browser tests" >&2
  sudo=""; [[ $(id -u) -eq 0 ]] || sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver >/dev/null
fi
exec mvn -B -ntp verify "$@"
