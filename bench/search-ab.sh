#!/usr/bin/env bash
# Search latency of two Lafia builds on the same data and the same queries, alternated: what the
# security issue costs a clinician's searches, measured apart from the machine's drift and from
# which patients the clinician happens to see.
#
# The reference set is loaded once (by the "after" build, as the demo system client); then each
# round starts each arm in turn on that same data directory and runs bench/run.sh's searches
# (FhirBench search: 200 requests per query, 1 client, after a warm-up):
#   before     the --before jar (a build from before the security issue): no token, no audit; its
#              parameter values are discovered among the bench clinician's patients (by _id), so
#              that it runs exactly the clinician's requests
#   clinician  the --after jar as bench-clinicien (bench/run.sh's facility-scoped clinician)
#   system     the --after jar as the demo system client (authenticated, audited, no care filter)
# The harness checks that every arm sent the same URLs, and prints p50/p95 per query and arm, the
# medians over the rounds and the ratios to "before".
#
# Usage: bench/search-ab.sh --before OLD.jar [--after NEW.jar] [--rounds N] [--size reference|quick]
#          [--arms "before clinician system"] [--warmup N] [--keep]
# An older jar reads a newer data directory: the security issue's migrations only add tables, and
# Flyway ignores applied migrations it does not know of ("future" ones) by default.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$(cd "$ROOT/../shared/tools" && pwd)"
FBDIR="$TOOLS/fhirbench"
BEFORE=""; AFTER="$ROOT/target/lafia.jar"; ROUNDS=2; SIZE=reference; ARMS="before clinician system"
WARMUP=200; KEEP=0; PORT=18084; PGPORT=15436; CACHE="${HOME}/.cache/lafia-bench"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --before) BEFORE="$2"; shift 2;;
    --after) AFTER="$2"; shift 2;;
    --rounds) ROUNDS="$2"; shift 2;;
    --size) SIZE="$2"; shift 2;;
    --arms) ARMS="$2"; shift 2;;
    --warmup) WARMUP="$2"; shift 2;;
    --keep) KEEP=1; shift;;
    -h|--help) sed -n '2,21p' "$0"; exit 0;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2;;
  esac
done
[[ " $ARMS " != *" before "* || -f "$BEFORE" ]] || { echo "--before JAR is required for the before arm" >&2; exit 2; }
[[ -f "$AFTER" ]] || { echo "no jar $AFTER (mvn -DskipTests package)" >&2; exit 2; }
case "$SIZE" in quick) POP=20;; reference) POP=250;; *) echo "--size must be quick or reference" >&2; exit 2;; esac
DATA="$CACHE/synthea-p$POP-s42/fhir"
compgen -G "$DATA/*.json" >/dev/null || { echo "no data set in $DATA: run bench/run.sh --size $SIZE once" >&2; exit 2; }

log() { printf '[search-ab %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
OUT="$ROOT/bench/out/search-ab-$SIZE-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"
RUN="$(mktemp -d /tmp/lafia-search-ab.XXXXXX)"
DATADIR="$RUN/data"
BASE="http://127.0.0.1:$PORT/fhir"
PGURI="postgresql://postgres@127.0.0.1:$PGPORT/postgres"
# bench/run.sh's copy of the shared client (one Authorization header), plus LAFIA_DISCOVER: extra
# parameters of its discovery request, so that the unauthenticated arm finds the clinician's patients.
sed -e 's|\.header("Accept", "application/fhir+json")|.header("Accept", "application/fhir+json").header("Authorization", "Bearer " + System.getenv().getOrDefault("LAFIA_BEARER", ""))|' \
    -e 's|base + "/Patient?_count=200"|base + "/Patient?_count=200" + System.getenv().getOrDefault("LAFIA_DISCOVER", "")|' \
  "$FBDIR/FhirBench.java" >"$RUN/FhirBench.java"
grep -q LAFIA_DISCOVER "$RUN/FhirBench.java" || { echo "FhirBench.java changed: discovery override not applied" >&2; exit 1; }
FB=(java -Xmx1g "$RUN/FhirBench.java")
read -r -a JOPTS <<<"${LAFIA_JAVA_OPTS:--Xmx640m -XX:+UseParallelGC}"
JPID=""

stop_server() {
  [[ -n "$JPID" ]] || return 0
  kill -TERM "$JPID" 2>/dev/null || true
  for _ in $(seq 1 240); do kill -0 "$JPID" 2>/dev/null || break; sleep 0.25; done
  kill -KILL "$JPID" 2>/dev/null || true
  JPID=""
  # the embedded PostgreSQL stops with Lafia; wait for its port to be free
  for _ in $(seq 1 120); do ss -Hltn "sport = :$PGPORT" | grep -q . || break; sleep 0.25; done
}
cleanup() {
  local rc=$?
  stop_server || true
  if [[ $KEEP == 0 ]]; then rm -rf "$RUN"; else log "kept $RUN"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start JAR LOGNAME: as bench/run.sh starts Lafia (extracted, class-data archive), on $DATADIR
start() {
  local jar="$1" name="$2" app="$RUN/app-$(basename "$1" .jar)"
  if [[ ! -d "$app" ]]; then "$ROOT/bin/prepare-launch.sh" "$jar" "$app" "${JOPTS[@]}" >"$OUT/prepare-$name.log" 2>&1 || true; fi
  local launch=(-jar "$jar")
  [[ -f "$app/lafia.jsa" ]] && launch=(-XX:SharedArchiveFile="$app/lafia.jsa" -Xlog:cds=off -jar "$app/lafia.jar")
  java "${JOPTS[@]}" "${launch[@]}" --server.address=127.0.0.1 --server.port="$PORT" \
    --lafia.db.data-dir="$DATADIR" --lafia.db.embedded-port="$PGPORT" --lafia.security.demo-accounts=true \
    --lafia.security.issuer="http://127.0.0.1:$PORT" >"$OUT/server-$name.log" 2>&1 &
  JPID=$!
  for _ in $(seq 1 1200); do
    kill -0 "$JPID" 2>/dev/null || { log "Lafia ($jar) exited during start-up; see $OUT/server-$name.log"; exit 1; }
    [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$BASE/metadata" || true)" == 200 ]] && return 0
    sleep 0.25
  done
  log "Lafia not ready after 300 s"; exit 1
}
token() { LAFIA_ISSUER="http://127.0.0.1:$PORT" java -jar "$AFTER" token "$@" --ttl 6h --data-dir "$DATADIR" 2>>"$OUT/token.log"; }
settle() {   # until no autovacuum worker has run for two checks in a row (at most 300 s)
  local quiet=0 i
  for ((i = 0; i < 150 && quiet < 2; i++)); do
    if [[ "$(psql "$PGURI" -qAt -c "select count(*) from pg_stat_activity where backend_type = 'autovacuum worker'" 2>/dev/null || echo 0)" == 0 ]]; then
      quiet=$((quiet + 1)); else quiet=0; fi
    sleep 2
  done
}

# ---------------------------------------------------------------- load once, the clinician
log "loading $DATA with $AFTER (4 clients, not measured)"
mkdir -p "$DATADIR"
start "$AFTER" load
LAFIA_BEARER=$(token --client lafia-demo-system) \
  "${FB[@]}" ingest --base "$BASE" --dir "$DATA" --concurrency 4 --max-seconds 1800 --out "$OUT/ingest.tsv" >"$OUT/ingest.log" 2>&1
grep -E 'resources/s|res/s' "$OUT/ingest.log" | head -2 >&2 || true
# bench/run.sh's clinician: the 10 organisations with the most encounters
psql "$PGURI" -qAt -c "insert into sec_user (login, display_name, password_hash, roles, facilities)
  select 'bench-clinicien', 'Clinicien du banc', '{noop}unusable', '{clinician}', coalesce(array_agg(res_id), '{}')
  from (select o.res_id from fhir_sp_ref x join fhir_resource e on e.pid = x.pid and e.res_type = 'Encounter'
        join fhir_resource o on o.pid = x.tgt_pid and o.res_type = 'Organization'
        group by o.res_id order by count(*) desc limit 10) top
  on conflict (login) do update set facilities = excluded.facilities" >"$OUT/clinician.log" 2>&1
CLIN_TOKEN=$(token --user bench-clinicien)
SYS_TOKEN=$(token --client lafia-demo-system)
# The clinician's patients as FhirBench discovers them (its first 200), for the before arm's _id.
IDS=$(curl -s -H "Authorization: Bearer $CLIN_TOKEN" -H 'Accept: application/fhir+json' "$BASE/Patient?_count=200&_elements=id" \
  | python3 -c 'import json,sys; print(",".join(e["resource"]["id"] for e in json.load(sys.stdin).get("entry", [])))')
echo "clinician_patients=$(tr ',' '\n' <<<"$IDS" | grep -c .)" | tee "$OUT/clinician.txt"
settle
stop_server

# ---------------------------------------------------------------- rounds
declare -A JAR_OF=([before]="$BEFORE" [clinician]="$AFTER" [system]="$AFTER")
read -r -a ARM_LIST <<<"$ARMS"
for ((r = 1; r <= ROUNDS; r++)); do
  order=("${ARM_LIST[@]}")
  if (( r % 2 == 0 )); then for ((i = 0; i < ${#ARM_LIST[@]}; i++)); do order[i]="${ARM_LIST[${#ARM_LIST[@]} - 1 - i]}"; done; fi
  for arm in "${order[@]}"; do
    log "round $r: $arm"
    start "${JAR_OF[$arm]}" "$arm-$r"
    settle
    case "$arm" in
      before) export LAFIA_BEARER="" LAFIA_DISCOVER="&_id=$IDS";;
      clinician) export LAFIA_BEARER="$CLIN_TOKEN" LAFIA_DISCOVER="";;
      system) export LAFIA_BEARER="$SYS_TOKEN" LAFIA_DISCOVER="&_id=$IDS";;
    esac
    "${FB[@]}" search --base "$BASE" --n "$WARMUP" --warmup 10 --concurrency 1 >"$OUT/warmup-$arm-$r.log" 2>&1 || true
    PGPID=$(head -1 "$DATADIR/pg/postmaster.pid")
    "$FBDIR/with-cpu.sh" "$JPID $PGPID" "${FB[@]}" search --base "$BASE" --n 200 --warmup 10 --concurrency 1 \
      --out "$OUT/search-$arm-$r.tsv" >"$OUT/search-$arm-$r.log" 2>&1 || true
    grep -q '^| read_patient' "$OUT/search-$arm-$r.log" || { log "no result for $arm; see $OUT/search-$arm-$r.log"; cat "$OUT/search-$arm-$r.log" >&2; exit 1; }
    stop_server
  done
done

# ---------------------------------------------------------------- report
python3 - "$OUT" "$ROUNDS" "${ARM_LIST[@]}" <<'EOF' | tee "$OUT/summary.md"
import csv, statistics, sys, os
out, rounds, arms = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
def load(arm, r):
    rows = list(csv.DictReader(open(os.path.join(out, f"search-{arm}-{r}.tsv")), delimiter="\t"))
    return rows
def pct(v, p):
    v = sorted(v); k = (len(v) - 1) * p / 100; f = int(k); c = min(f + 1, len(v) - 1)
    return v[f] + (v[c] - v[f]) * (k - f)
queries, stats, urls = [], {}, {}
for arm in arms:
    for r in range(1, rounds + 1):
        rows = load(arm, r)
        for q in dict.fromkeys(x["query"] for x in rows):
            if q not in queries: queries.append(q)
            ms = [float(x["millis"]) for x in rows if x["query"] == q]
            bad = sum(1 for x in rows if x["query"] == q and x["status"] != "200")
            stats.setdefault((arm, q), []).append((pct(ms, 50), pct(ms, 95), bad))
        urls[(arm, r)] = [x["url"].split("/fhir/", 1)[-1] for x in rows]
ref = urls[(arms[0], 1)]
same = all(u == ref for u in urls.values())
print(f"same requests in every run: {'yes' if same else 'NO'}")
print()
print("| query | " + " | ".join(f"{a} p50 | {a} p95" for a in arms) + " | " + " | ".join(f"{a}/{arms[0]} p50 | p95" for a in arms[1:]) + " |")
print("|---" * (1 + 2 * len(arms) + 2 * (len(arms) - 1)) + "|")
for q in queries:
    med = {a: (statistics.median(s[0] for s in stats[(a, q)]), statistics.median(s[1] for s in stats[(a, q)])) for a in arms}
    cells = [f"{med[a][0]:.2f} | {med[a][1]:.2f}" for a in arms]
    ratios = [f"{med[a][0] / med[arms[0]][0]:.2f} | {med[a][1] / med[arms[0]][1]:.2f}" for a in arms[1:]]
    print(f"| {q} | " + " | ".join(cells) + " | " + " | ".join(ratios) + " |")
    errs = {a: sum(s[2] for s in stats[(a, q)]) for a in arms}
    if any(errs.values()): print(f"   non-200 responses: {errs}")
print()
print("per run (p50 / p95 ms):")
for arm in arms:
    for r in range(1, rounds + 1):
        print(f"  {arm} {r}: " + ", ".join(f"{q} {s[r-1][0]:.1f}/{s[r-1][1]:.1f}" for q in queries for s in [stats[(arm, q)]]))
EOF
for f in "$OUT"/search-*.log; do
  printf '%s: %s\n' "$(basename "$f" .log)" "$(grep '^---- with-cpu' "$f" | sed 's/---- with-cpu: //' | tr '\n' ' ')"
done | tee -a "$OUT/summary.md"
log "raw files in $OUT"
