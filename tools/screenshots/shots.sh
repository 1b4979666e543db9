#!/usr/bin/env bash
# Retakes docs/screenshots/ from a fresh Lafia with the demo country (Chromium and ChromeDriver as
# for ./test.sh). Usage: tools/screenshots/shots.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
[[ -f target/lafia.jar ]] || mvn -B -q -ntp -DskipTests package
mvn -q -B -ntp dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test >/dev/null
DIR="$(mktemp -d /tmp/lafia-shots.XXXXXX)"; PORT=18095
java -Xmx640m -jar target/lafia.jar --server.port=$PORT --lafia.db.data-dir="$DIR/data" --lafia.demo.enabled=true \
  --lafia.security.demo-accounts=true >"$DIR/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$DIR"' EXIT
for _ in $(seq 1 240); do grep -q "Demo country Togo" "$DIR/server.log" && break; sleep 0.5; done
java -cp "$(cat target/test-classpath.txt)" tools/screenshots/Shots.java "http://localhost:$PORT" docs/screenshots clinicien
