#!/usr/bin/env bash
# Build Lafia if the jar is missing or older than the sources, then start it
# (embedded PostgreSQL in ./data unless LAFIA_DB_URL is set) on http://localhost:8080.
set -euo pipefail
cd "$(dirname "$0")"
jar=target/lafia.jar
if [[ ! -f $jar ]] || [[ -n "$(find src pom.xml -newer "$jar" -print -quit)" ]]; then
  mvn -B -q -ntp -DskipTests package
fi
exec java ${JAVA_OPTS:--Xmx640m -XX:+UseParallelGC} -jar "$jar" "$@"
