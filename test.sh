#!/usr/bin/env bash
# Run every Lafia test: unit, storage (embedded PostgreSQL 17) and HTTP end-to-end.
set -euo pipefail
cd "$(dirname "$0")"
exec mvn -B -ntp verify "$@"
