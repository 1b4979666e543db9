#!/usr/bin/env bash
# prepare-launch.sh JAR DIR [JAVA_OPTS...]
# Lays lafia.jar out the way Spring Boot recommends for production and gives it a class-data
# sharing archive (CDS), so that the JVM maps the classes of Spring, HAPI and Lafia from one file
# instead of finding, reading and verifying them from nested jars at every start (measured on the
# reference 2-core machine: start-up 16-17 s as `java -jar lafia.jar`, 9-11 s prepared).
#   DIR/lafia.jar + DIR/lib/   the extracted application (java -Djarmode=tools ... extract)
#   DIR/lafia.jsa              the archive, from one training start that stops once the context is up
# Then: java -XX:SharedArchiveFile=DIR/lafia.jsa [JAVA_OPTS] -jar DIR/lafia.jar ...
# Does nothing when DIR is already prepared from this very jar. Run it with the JAVA_OPTS the node
# will use (the archive must match the collector); a mismatched archive is ignored by the JVM,
# which then starts as it would without one.
set -euo pipefail
JAR="${1:?jar}"; DIR="${2:?directory}"; shift 2
OPTS=("$@"); [[ ${#OPTS[@]} -gt 0 ]] || OPTS=(-Xmx640m -XX:+UseParallelGC)
STAMP="$(stat -c '%s %Y' "$JAR") ${OPTS[*]}"
if [[ -f "$DIR/lafia.jsa" && -f "$DIR/prepared-from" && "$(cat "$DIR/prepared-from")" == "$STAMP" ]]; then
  exit 0
fi
rm -rf "$DIR"; mkdir -p "$DIR"
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
cp "$JAR" "$TMP/lafia.jar"
java -Djarmode=tools -jar "$TMP/lafia.jar" extract --destination "$DIR" >/dev/null
# Training start: an empty embedded database of its own on any free port, nothing listening on a
# known port, stops when the context is refreshed (no demo data, no accounts).
echo "Preparing the class-data archive of $JAR in $DIR (one training start, about 20 s)..." >&2
if ! java "${OPTS[@]}" -XX:ArchiveClassesAtExit="$DIR/lafia.jsa" -Xlog:cds=off -Xlog:cds+dynamic=off \
    -Dspring.context.exit=onRefresh -jar "$DIR/lafia.jar" --server.port=0 --server.address=127.0.0.1 \
    --lafia.db.data-dir="$TMP/data" --lafia.db.url= >"$TMP/training.log" 2>&1 || [[ ! -s "$DIR/lafia.jsa" ]]; then
  echo "The training start failed; Lafia will start without the archive. Its log:" >&2
  tail -20 "$TMP/training.log" >&2
  rm -f "$DIR/lafia.jsa"
  exit 0
fi
echo "$STAMP" >"$DIR/prepared-from"
