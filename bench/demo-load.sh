#!/usr/bin/env bash
# How fast the demo country loads: `lafia.jar demo` into a fresh data directory, timed, with the
# loader's own figures (resources, milliseconds). Usage: bench/demo-load.sh [--patients N] [--jar FILE]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PATIENTS=10000; JAR="$ROOT/target/lafia.jar"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --patients) PATIENTS="$2"; shift 2;;
    --jar) JAR="$2"; shift 2;;
    -h|--help) sed -n '2,3p' "$0"; exit 0;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
[[ -f "$JAR" ]] || (cd "$ROOT" && mvn -B -q -ntp -DskipTests package)
DIR="$(mktemp -d /tmp/lafia-demo-load.XXXXXX)"
trap 'rm -rf "$DIR"' EXIT
read -r -a JOPTS <<<"${LAFIA_JAVA_OPTS:--Xmx640m -XX:+UseParallelGC}"
t0=$(date +%s.%N)
java "${JOPTS[@]}" -jar "$JAR" demo --country TG --patients "$PATIENTS" --data-dir "$DIR/data" >"$DIR/log" 2>&1 || { tail -30 "$DIR/log"; exit 1; }
t1=$(date +%s.%N)
line=$(grep -o 'Demo country Togo in place.*' "$DIR/log")
res=$(grep -oP '\(\K[0-9]+(?= resources)' <<<"$line")
ms=$(grep -oP 'in \K[0-9]+(?= ms)' <<<"$line")
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); $(java -version 2>&1 | head -1)"
echo "$line"
awk -v p="$PATIENTS" -v r="$res" -v ms="$ms" -v w="$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}')" 'BEGIN{
  printf "patients=%d patient_resources=%d load_s=%.1f patient_resources_per_s=%.0f command_wall_s=%.1f\n", p, r, ms/1000, r/(ms/1000), w }'
