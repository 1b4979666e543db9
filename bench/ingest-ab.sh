#!/usr/bin/env bash
# bench/ingest-ab.sh - two builds side by side on the ingest of bench/run.sh, alternated, so that the
# machine's drift (±20-30 % between minutes on a shared 2-core host) falls on both alike.
#
#   bench/ingest-ab.sh --a OLD.jar --b NEW.jar [--rounds 3] [--size reference|quick] [--a-opts "..."] [--b-opts "..."]
#
# Each run: a fresh data directory; Lafia started as bench/run.sh starts it (-Xmx640m
# -XX:+UseParallelGC, plus --a-opts/--b-opts, e.g. "-Xmn320m"); the shared bundles and the first
# half of the patient bundles with 1 client (this warms the JIT), then the second half with 4
# clients, measured: resources/s, JVM and PostgreSQL CPU from the end of the client's untimed
# pre-pass to the end of the phase, host idle CPU, collector pauses of the whole run (-Xlog:gc),
# VmHWM. Rounds run A,B then B,A then A,B... Prints one line per run and the medians per build.
# Needs the Synthea cache that bench/run.sh makes (run it once first). Loopback only; ports 18082/15434.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
A= B= ROUNDS=3 SIZE=reference AOPTS= BOPTS=
while [ $# -gt 0 ]; do
  case "$1" in
    --a) A=$2; shift 2;; --b) B=$2; shift 2;; --rounds) ROUNDS=$2; shift 2;; --size) SIZE=$2; shift 2;;
    --a-opts) AOPTS=$2; shift 2;; --b-opts) BOPTS=$2; shift 2;;
    -h|--help) sed -n '2,15p' "$0"; exit 0;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2;;
  esac
done
[ -f "$A" ] && [ -f "$B" ] || { echo "give two jars: --a OLD.jar --b NEW.jar" >&2; exit 2; }
case "$SIZE" in reference) POP=250;; quick) POP=20;; *) echo "--size reference|quick" >&2; exit 2;; esac
DATA="$HOME/.cache/lafia-bench/synthea-p$POP-s42/fhir"
[ -d "$DATA" ] || { echo "no Synthea data in $DATA: run bench/run.sh --size $SIZE once first" >&2; exit 2; }
FBDIR="$ROOT/../shared/tools/fhirbench"
OUT="$HERE/out/ab-$SIZE-$(date -u +%Y%m%d-%H%M%S)"; mkdir -p "$OUT"
sed 's|\.header("Accept", "application/fhir+json")|.header("Accept", "application/fhir+json").header("Authorization", "Bearer " + System.getenv().getOrDefault("LAFIA_BEARER", ""))|' \
  "$FBDIR/FhirBench.java" >"$OUT/FhirBench.java"
PORT=18082 PGPORT=15434 BASE="http://127.0.0.1:18082/fhir"
HALF=$(( ($(ls "$DATA"/*.json | grep -v -e hospitalInformation -e practitionerInformation | wc -l) + 1) / 2 ))

one() { # one LABEL JAR OPTS
  local label=$1 jar=$2 opts=$3 d jp pp j0 j1 p0 p1 s0 s1 t0 t1 cp
  d=$(mktemp -d /tmp/lafia-ab.XXXXXX)
  # shellcheck disable=SC2086
  java -Xmx640m -XX:+UseParallelGC $opts -Xlog:gc:file="$OUT/$label.gc" -jar "$jar" --server.address=127.0.0.1 \
    --server.port=$PORT --lafia.db.data-dir="$d" --lafia.db.embedded-port=$PGPORT --lafia.security.demo-accounts=true \
    --lafia.security.issuer=http://127.0.0.1:$PORT >"$OUT/$label.log" 2>&1 &
  jp=$!
  for _ in $(seq 1 240); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/metadata")" = 200 ] && break; sleep 0.5
  done
  LAFIA_BEARER=$(LAFIA_ISSUER=http://127.0.0.1:$PORT java -jar "$jar" token --client lafia-demo-system --ttl 2h --data-dir "$d" 2>/dev/null)
  export LAFIA_BEARER
  pp=$(head -1 "$d/pg/postmaster.pid")
  java -Xmx2g "$OUT/FhirBench.java" ingest --base "$BASE" --dir "$DATA" --concurrency 1 --limit "$HALF" --max-seconds 600 \
    >"$OUT/$label.c1" 2>&1
  java -Xmx2g "$OUT/FhirBench.java" ingest --base "$BASE" --dir "$DATA" --concurrency 4 --shared false --offset "$HALF" \
    --max-seconds 600 >"$OUT/$label.c4" 2>&1 &
  cp=$!
  for _ in $(seq 1 600); do grep -q '^target=' "$OUT/$label.c4" 2>/dev/null && break; sleep 0.2; done
  j0=$(awk '{print $14+$15}' /proc/$jp/stat); p0=$("$FBDIR/cpu-seconds.sh" "$pp"); t0=$(date +%s.%N)
  s0=$(awk '/^cpu /{print $5+$6}' /proc/stat)
  wait $cp
  j1=$(awk '{print $14+$15}' /proc/$jp/stat); p1=$("$FBDIR/cpu-seconds.sh" "$pp"); t1=$(date +%s.%N)
  s1=$(awk '/^cpu /{print $5+$6}' /proc/stat)
  local hwm rate
  hwm=$(awk '/VmHWM/{print int($2/1024)}' /proc/$jp/status)
  rate=$(grep '^\[ALL\]' "$OUT/$label.c4" | sed -E 's/.*resources\/s=([0-9]+).*/\1/')
  kill $jp; wait $jp 2>/dev/null || true
  rm -rf "$d"
  awk -v l="$label" -v r="$rate" -v j0="$j0" -v j1="$j1" -v p0="$p0" -v p1="$p1" -v s0="$s0" -v s1="$s1" -v t0="$t0" -v t1="$t1" \
    -v hwm="$hwm" -v gc="$(grep -h Pause "$OUT/$label.gc" | awk '{gsub("ms","",$NF); s+=$NF} END{printf "%.1f", s/1000}')" \
    -v full="$(grep -c 'Pause Full' "$OUT/$label.gc" || true)" \
    'BEGIN{printf "%-5s res/s=%s jvm_cpu_s=%.1f pg_cpu_s=%.1f host_idle_s=%.1f window_s=%.1f gc_pause_s=%s full_gcs=%s vm_hwm_mb=%s\n", l, r, (j1-j0)/100, p1-p0, (s1-s0)/100, t1-t0, gc, full, hwm}' \
    | tee -a "$OUT/runs.txt"
}

echo "ingest A/B: a=$A b=$B rounds=$ROUNDS size=$SIZE (first $HALF patient bundles with 1 client, the rest with 4) -> $OUT"
for r in $(seq 1 "$ROUNDS"); do
  if [ $((r % 2)) -eq 1 ]; then one "a$r" "$A" "$AOPTS"; one "b$r" "$B" "$BOPTS"; else one "b$r" "$B" "$BOPTS"; one "a$r" "$A" "$AOPTS"; fi
done
python3 - "$OUT/runs.txt" <<'PY'
import sys, statistics, re
rows = [dict(kv.split('=') for kv in l.split()[1:]) | {'build': l.split()[0][0]} for l in open(sys.argv[1])]
for b in 'ab':
    rs = [r for r in rows if r['build'] == b]
    med = lambda k: statistics.median(float(r[k]) for r in rs)
    print(f"median {b}: res/s={med('res/s'):.0f} jvm_cpu_s={med('jvm_cpu_s'):.1f} pg_cpu_s={med('pg_cpu_s'):.1f} "
          f"host_idle_s={med('host_idle_s'):.1f} gc_pause_s={med('gc_pause_s'):.1f} vm_hwm_mb={med('vm_hwm_mb'):.0f} (n={len(rs)})")
PY
