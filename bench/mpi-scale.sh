#!/usr/bin/env bash
# The client registry at the scale of a country: the francophone set (bench/mpi/francophone/,
# N persons, about 1.44 N records) loaded through the FHIR API as a legacy register (matching at
# registration off: lafia.registry.match-on-registration=false), each person's last duplicate
# record held out. Then Lafia restarted with matching on, and, one request at a time as the demo
# system client:
#   - registration (POST Patient) of held-out records: latency, and whether each joined its person
#     (auto-link to the person's national health ID), went to review, or became a new person;
#   - registration of as many records of persons not in the register (persons N+1...: made by
#     the generator with a larger N, seed 43): how many were wrongly linked;
#   - Patient/$match for held-out records: latency, and whether a record of the person is first.
# Usage: bench/mpi-scale.sh [--persons 1000000] [--requests 300] [--jar target/lafia.jar] [--keep]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PERSONS=1000000; REQUESTS=300; JAR="$ROOT/target/lafia.jar"; KEEP=0; PORT=18097; PGPORT=15447
while [[ $# -gt 0 ]]; do
  case "$1" in
    --persons) PERSONS="$2"; shift 2;;
    --requests) REQUESTS="$2"; shift 2;;
    --jar) JAR="$2"; shift 2;;
    --keep) KEEP=1; shift;;
    -h|--help) sed -n '2,14p' "$0"; exit 0;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
[[ -f "$JAR" ]] || (cd "$ROOT" && mvn -B -q -ntp -DskipTests package)
SET="${HOME}/.cache/lafia-bench/francophone-s42-p$PERSONS"
[[ -f "$SET/truth.csv" ]] || java "$ROOT/bench/mpi/francophone/Generate.java" --seed 42 --persons "$PERSONS" --out "$SET" >&2
STRANGERS="${HOME}/.cache/lafia-bench/francophone-s43-p20000"
[[ -f "$STRANGERS/truth.csv" ]] || java "$ROOT/bench/mpi/francophone/Generate.java" --seed 43 --persons 20000 --out "$STRANGERS" >&2
DIR="$(mktemp -d /tmp/lafia-mpi-scale.XXXXXX)"
JPID=""
stop() { if [[ -n "$JPID" ]]; then kill "$JPID" 2>/dev/null || true; wait "$JPID" 2>/dev/null || true; JPID=""; fi; }
trap 'stop; [[ $KEEP == 1 ]] || rm -rf "$DIR"' EXIT
read -r -a JOPTS <<<"${LAFIA_JAVA_OPTS:--Xmx2g -XX:+UseParallelGC}"
start() {
  java "${JOPTS[@]}" -jar "$JAR" --server.address=127.0.0.1 --server.port=$PORT --lafia.db.data-dir="$DIR/data" \
    --lafia.db.embedded-port=$PGPORT --lafia.security.demo-accounts=true --lafia.security.issuer="http://127.0.0.1:$PORT" "$@" \
    >>"$DIR/server.log" 2>&1 &
  JPID=$!
  for _ in $(seq 1 600); do [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/fhir/metadata" || true)" == 200 ]] && return; sleep 0.5; done
  echo "Lafia did not start: $DIR/server.log" >&2; exit 1
}
token() { LAFIA_ISSUER="http://127.0.0.1:$PORT" java -jar "$JAR" token --client lafia-demo-system --ttl 6h --data-dir "$DIR/data" 2>/dev/null; }
echo "# client registry at scale: $PERSONS persons, $(date -u +%FT%TZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"

start --lafia.registry.match-on-registration=false
python3 "$ROOT/bench/mpi/scale.py" load --base "http://127.0.0.1:$PORT/fhir" --token "$(token)" --set "$SET" --work "$DIR"
stop
start
python3 "$ROOT/bench/mpi/scale.py" measure --base "http://127.0.0.1:$PORT/fhir" --token "$(token)" --set "$SET" --strangers "$STRANGERS" \
  --work "$DIR" --requests "$REQUESTS"
echo "data directory: $DIR $([[ $KEEP == 1 ]] && echo kept || echo removed)"
