#!/usr/bin/env bash
# Build Lafia if the jar is missing or older than the sources, then start it
# (embedded PostgreSQL in ./data unless LAFIA_DB_URL is set) on http://localhost:8080, with the
# demo accounts of the README.
set -euo pipefail
cd "$(dirname "$0")"
jar=target/lafia.jar
if [[ ! -f $jar ]] || [[ -n "$(find src pom.xml -newer "$jar" -print -quit)" ]]; then
  mvn -B -q -ntp -DskipTests package
fi
if [[ ${1:-} == token ]]; then
  exec java -jar "$jar" "$@"   # ./run.sh token --user clinicien: an access token (see README)
fi
# The documented demo accounts are on for this command only; a deployment leaves them off.
exec java ${JAVA_OPTS:--Xmx640m -XX:+UseParallelGC} -jar "$jar" --lafia.security.demo-accounts=true "$@"
