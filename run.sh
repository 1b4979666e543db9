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
# The jar extracted, with a class-data archive (bin/prepare-launch.sh; once per build): it starts
# in about two thirds of the time `java -jar` takes.
read -r -a opts <<<"${JAVA_OPTS:--Xmx640m -XX:+UseParallelGC}"
app=target/lafia-app
launch=(-jar "$jar")
if bin/prepare-launch.sh "$jar" "$app" "${opts[@]}" && [[ -f $app/lafia.jar ]]; then
  launch=(-jar "$app/lafia.jar")
  [[ -f $app/lafia.jsa ]] && launch=(-XX:SharedArchiveFile="$app/lafia.jsa" -Xlog:cds=off "${launch[@]}")
fi
if [[ ${1:-} == token ]]; then
  exec java "${opts[@]}" "${launch[@]}" "$@"   # ./run.sh token --user clinicien: an access token (see README)
fi
# The documented demo accounts and the demo country are on for this command only; a deployment
# leaves them off.
exec java "${opts[@]}" "${launch[@]}" --lafia.security.demo-accounts=true --lafia.demo.enabled=true "$@"
