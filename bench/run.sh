#!/usr/bin/env bash
# Lafia benchmark: start-up, ingest (1 then 4 clients), search latency (1 then 4 clients), peak
# resident memory, and the raw PostgreSQL COPY ceiling measured in the same run on the same
# embedded PostgreSQL. Uses the shared tools in ../shared/tools (fhirbench, synthea); loopback only;
# every loop is bounded. Raw outputs land in bench/out/<size>-<timestamp>/ (git-ignored).
#
# Usage: bench/run.sh [options]
#   --size quick|reference   data set: quick = Synthea population 20, reference = population 250
#                            (seed 42 both; default reference)
#   --seconds N              time bound of each ingest phase (default 300)
#   --seq-limit N|half|all   patient bundles given to the 1-client phase (default half: the other
#                            half is left for the 4-client phase so that both rates are measured;
#                            "all" is run-suite.sh's protocol, time-bounded only)
#   --port N / --pg-port N   HTTP port / embedded PostgreSQL port (default 18080 / 15432)
#   --cache DIR              data-set cache outside git (default ~/.cache/lafia-bench)
#   --copy-variants "..."    pg-jsonb-ceiling.sh variants (default "heap pk pk_gin")
#   --mem-interval S         seconds between proc-mem.sh samples during ingest (default 5)
#   --server-arg ARG         extra Lafia argument, repeatable (e.g. --lafia.fhir.max-body-bytes=134217728)
#   --keep                   keep the temporary jar + data directory
#   --jar FILE               measure this jar instead of target/lafia.jar (e.g. an older commit's)
#   --no-auth                the jar predates the security issue: no tokens, no clinician
#   --search-warmup N        unmeasured requests per query before the measured searches (default
#                            200): on 2 cores the JIT otherwise compiles the search paths while
#                            they are measured (0 = the harness's own 10 only)
#   --plain-jar              start Lafia as `java -jar lafia.jar`, not as ./run.sh does (extracted,
#                            with a class-data archive made by bin/prepare-launch.sh before timing)
# Environment: LAFIA_JAVA_OPTS (default "-Xmx640m -XX:+UseParallelGC") for the Lafia JVM.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$(cd "$ROOT/../shared/tools" && pwd)"
FBDIR="$TOOLS/fhirbench"

SIZE=reference; SECS=300; SEQ_LIMIT=half; PORT=18080; PGPORT=15432
CACHE="${HOME}/.cache/lafia-bench"; COPY_VARIANTS="heap pk pk_gin"; MEM_INTERVAL=5; KEEP=0
SERVER_ARGS=(); JAR=""; NO_AUTH=0; SEARCH_WARMUP=200; PLAIN_JAR=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --size) SIZE="$2"; shift 2;;
    --seconds) SECS="$2"; shift 2;;
    --seq-limit) SEQ_LIMIT="$2"; shift 2;;
    --port) PORT="$2"; shift 2;;
    --pg-port) PGPORT="$2"; shift 2;;
    --cache) CACHE="$2"; shift 2;;
    --copy-variants) COPY_VARIANTS="$2"; shift 2;;
    --mem-interval) MEM_INTERVAL="$2"; shift 2;;
    --server-arg) SERVER_ARGS+=("$2"); shift 2;;
    --keep) KEEP=1; shift;;
    --jar) JAR="$2"; shift 2;;
    --no-auth) NO_AUTH=1; shift;;
    --search-warmup) SEARCH_WARMUP="$2"; shift 2;;
    --plain-jar) PLAIN_JAR=1; shift;;
    -h|--help) sed -n '2,27p' "$0"; exit 0;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2;;
  esac
done
case "$SIZE" in
  quick) POP=20;;
  reference) POP=250;;
  *) echo "--size must be quick or reference" >&2; exit 2;;
esac
SEED=42

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
now() { date +%s.%N; }
# CPU seconds (user+nice+system+irq+softirq+steal) the whole host has spent so far: compared with the
# server's own CPU (with-cpu.sh) it shows how much went to the load client and to other processes.
host_busy() { awk -v k="$(getconf CLK_TCK)" '/^cpu /{printf "%.1f", ($2+$3+$4+$7+$8+$9)/k}' /proc/stat; }
# measured LOG PIDS CMD...: with-cpu.sh plus host CPU, output shown and kept in LOG
measured() {
  local logf="$1" pids="$2"; shift 2
  local h0; h0=$(host_busy)
  { "$FBDIR/with-cpu.sh" "$pids" "$@" 2>&1 || true
    echo "---- host: busy_cpu_s=$(awk -v a="$h0" -v b="$(host_busy)" 'BEGIN{printf "%.1f", b-a}') nproc=$(nproc)"
  } | tee "$logf" | grep -v '^  [0-9]*/' || true
}
port_busy() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }
for p in "$PORT" "$PGPORT"; do
  if port_busy "$p"; then echo "port $p is in use; pick another with --port/--pg-port" >&2; exit 2; fi
done

STAMP="$(date +%Y%m%d-%H%M%S)"
OUT="$ROOT/bench/out/$SIZE-$STAMP"
mkdir -p "$OUT"
ln -sfn "$SIZE-$STAMP" "$ROOT/bench/out/latest-$SIZE"
RUN="$(mktemp -d /tmp/lafia-bench.XXXXXX)"
DATADIR="$RUN/data"
BASE="http://127.0.0.1:$PORT/fhir"
PGURI="postgresql://postgres@127.0.0.1:$PGPORT/postgres"
# The shared client sends no credentials; since the security issue every FHIR request but
# /metadata needs a bearer token. A copy of it adds one header (LAFIA_BEARER), nothing else.
sed 's|\.header("Accept", "application/fhir+json")|.header("Accept", "application/fhir+json").header("Authorization", "Bearer " + System.getenv().getOrDefault("LAFIA_BEARER", ""))|' \
  "$FBDIR/FhirBench.java" >"$RUN/FhirBench.java"
FB=(java -Xmx2g "$RUN/FhirBench.java")
JPID=""; PGPID=""; MEMPID=""

stop_server() {
  [[ -n "$JPID" ]] || return 0
  if kill -0 "$JPID" 2>/dev/null; then
    local t0; t0=$(now)
    kill -TERM "$JPID" 2>/dev/null || true
    for _ in $(seq 1 240); do kill -0 "$JPID" 2>/dev/null || break; sleep 0.25; done
    if kill -0 "$JPID" 2>/dev/null; then
      log "java $JPID still alive 60 s after SIGTERM; sending SIGKILL"; kill -KILL "$JPID" 2>/dev/null || true
      echo "shutdown_clean=no (java killed after 60 s)" >>"$OUT/shutdown.txt"
    fi
    awk -v a="$t0" -v b="$(now)" 'BEGIN{printf "shutdown_s=%.1f\n", b-a}' >>"$OUT/shutdown.txt"
  fi
  if [[ -n "$PGPID" ]]; then
    for _ in $(seq 1 120); do kill -0 "$PGPID" 2>/dev/null || break; sleep 0.25; done
    if kill -0 "$PGPID" 2>/dev/null; then
      log "postmaster $PGPID still running 30 s after Lafia stopped; fast shutdown (SIGINT)"
      echo "postmaster_left_running=yes" >>"$OUT/shutdown.txt"
      kill -INT "$PGPID" 2>/dev/null || true
      for _ in $(seq 1 120); do kill -0 "$PGPID" 2>/dev/null || break; sleep 0.25; done
    else
      echo "postmaster_left_running=no" >>"$OUT/shutdown.txt"
    fi
  fi
  JPID=""
}
cleanup() {
  local rc=$?
  [[ -n "$MEMPID" ]] && kill "$MEMPID" 2>/dev/null || true
  stop_server || true
  if [[ $KEEP == 0 ]]; then rm -rf "$RUN"; else log "kept $RUN"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- 1. jar, data set, data dir
if [[ -n "$JAR" ]]; then
  cp "$JAR" "$RUN/lafia.jar"
  JAR_INFO="jar $JAR ($(date -r "$JAR" '+%F %T %Z'))$([[ $NO_AUTH == 1 ]] && echo ', no authentication (before the security issue)')"
else
  if [[ ! -f "$ROOT/target/lafia.jar" ]]; then
    log "building target/lafia.jar"
    (cd "$ROOT" && mvn -B -q -ntp -DskipTests package)
  fi
  cp "$ROOT/target/lafia.jar" "$RUN/lafia.jar"
  JAR_INFO="jar built $(date -r "$ROOT/target/lafia.jar" '+%F %T %Z'); git HEAD at run time: $(cd "$ROOT" && git log -1 --format='%h %cd' --date=format:'%F %T' 2>/dev/null)"
  if [[ -n "$(cd "$ROOT" && find src pom.xml -newer target/lafia.jar -print -quit 2>/dev/null)" ]]; then
    JAR_INFO+="; WARNING: sources are newer than the jar (delete target/lafia.jar or rebuild to measure them)"
  fi
fi

SET="$CACHE/synthea-p$POP-s$SEED"
DATA="$SET/fhir"
if ! compgen -G "$DATA/*.json" >/dev/null; then
  log "generating Synthea population $POP seed $SEED into $SET (cached for later runs)"
  rm -rf "$SET.partial"; mkdir -p "$CACHE"
  "$TOOLS/synthea/generate.sh" -p "$POP" -s "$SEED" -o "$SET.partial" >"$CACHE/gen-p$POP.log" 2>&1
  rm -rf "$SET"; mv "$SET.partial" "$SET"
fi
if [[ ! -f "$SET/stats.txt" ]]; then "${FB[@]}" stats --dir "$DATA" >"$SET/stats.txt"; fi
cp "$SET/stats.txt" "$OUT/dataset-stats.txt"
if ! compgen -G "$SET/copy/res.*.tsv" >/dev/null || [[ ! -f "$SET/copy/done" ]]; then
  log "writing COPY files for the raw ceiling (cached in $SET/copy)"
  rm -rf "$SET/copy"; mkdir -p "$SET/copy"
  "${FB[@]}" tocopy --dir "$DATA" --out "$SET/copy/res" --split 2 >"$SET/copy/tocopy.txt"
  touch "$SET/copy/done"
fi
cp "$SET/copy/tocopy.txt" "$OUT/tocopy.txt"
N_PATIENT=$(find "$DATA" -maxdepth 1 -name '*.json' ! -name 'hospitalInformation*' ! -name 'practitionerInformation*' | wc -l)
case "$SEQ_LIMIT" in
  half) SEQ_N=$(( (N_PATIENT + 1) / 2 ));;
  all) SEQ_N=1000000;;
  *) SEQ_N="$SEQ_LIMIT";;
esac
log "data set $DATA: $(head -3 "$SET/stats.txt" | tr '\n' ' ')"

{
  echo "date=$(date -u +%FT%TZ)"
  echo "nproc=$(nproc)"
  echo "mem_total=$(awk '/MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "java=$(java -version 2>&1 | head -1)"
  echo "lafia=$JAR_INFO"
  echo "size=$SIZE population=$POP seed=$SEED data=$DATA"
  echo "ingest_seconds_per_phase=$SECS seq_limit=$SEQ_LIMIT ($SEQ_N of $N_PATIENT patient bundles)"
  echo "loadavg_at_start=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "other_java_processes=$(pgrep -c java || true)"
} >"$OUT/machine.txt"

# ---------------------------------------------------------------- 2. start-up
mkdir -p "$DATADIR"
# As ./run.sh starts it (extracted, with a class-data archive; prepared before the clock starts),
# unless --plain-jar. Jars older than bin/prepare-launch.sh's layout still extract the same way.
read -r -a JOPTS <<<"${LAFIA_JAVA_OPTS:--Xmx640m -XX:+UseParallelGC}"
LAUNCH=(-jar "$RUN/lafia.jar"); LAUNCH_INFO="java -jar lafia.jar"
if [[ $PLAIN_JAR == 0 ]]; then
  log "preparing the launch (bin/prepare-launch.sh: extracted jar, class-data archive; not timed)"
  "$ROOT/bin/prepare-launch.sh" "$RUN/lafia.jar" "$RUN/app" "${JOPTS[@]}" >"$OUT/prepare-launch.log" 2>&1 || true
  if [[ -f "$RUN/app/lafia.jsa" ]]; then
    LAUNCH=(-XX:SharedArchiveFile="$RUN/app/lafia.jsa" -Xlog:cds=off -jar "$RUN/app/lafia.jar")
    LAUNCH_INFO="as ./run.sh: extracted, class-data archive"
  fi
fi
echo "launch=$LAUNCH_INFO" >>"$OUT/machine.txt"
log "starting Lafia on $BASE (embedded PostgreSQL on 127.0.0.1:$PGPORT, data in $DATADIR; $LAUNCH_INFO)"
T0=$(now)
java "${JOPTS[@]}" "${LAUNCH[@]}" --server.address=127.0.0.1 --server.port="$PORT" \
  --lafia.db.data-dir="$DATADIR" --lafia.db.embedded-port="$PGPORT" --lafia.security.demo-accounts=true \
  --lafia.security.issuer="http://127.0.0.1:$PORT" ${SERVER_ARGS[@]+"${SERVER_ARGS[@]}"} \
  >"$OUT/server.log" 2>&1 &
JPID=$!
STARTUP=""
for _ in $(seq 1 1200); do   # 0.25 s steps: at most 300 s
  if ! kill -0 "$JPID" 2>/dev/null; then log "Lafia exited during start-up; see $OUT/server.log"; tail -20 "$OUT/server.log" >&2; exit 1; fi
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$BASE/metadata" || true)
  if [[ "$code" == "200" ]]; then STARTUP=$(awk -v a="$T0" -v b="$(now)" 'BEGIN{printf "%.1f", b-a}'); break; fi
  sleep 0.25
done
[[ -n "$STARTUP" ]] || { log "Lafia not ready after 300 s"; exit 1; }
PGPID=$(head -1 "$DATADIR/pg/postmaster.pid")
# Ingest and searches run as the demo system client (system/*.cruds), with a token from the
# server's own token command (valid for the whole run).
if [[ $NO_AUTH == 1 ]]; then
  LAFIA_BEARER=""
else
  LAFIA_BEARER=$(LAFIA_ISSUER="http://127.0.0.1:$PORT" java -jar "$RUN/lafia.jar" token --client lafia-demo-system --ttl 6h \
    --data-dir "$DATADIR" 2>"$OUT/token.log") || { log "no access token; see $OUT/token.log"; exit 1; }
fi
export LAFIA_BEARER
PIDS="$JPID $PGPID"
echo "startup_s=$STARTUP java_pid=$JPID postmaster_pid=$PGPID" | tee "$OUT/startup.txt"
JAVA_PID=$JPID
proc_rss_mb() { awk -v k="$2" '$1==k":"{printf "%.0f", $2/1024}' "/proc/$1/status" 2>/dev/null; }
echo "rss_after_startup_mb=$(proc_rss_mb "$JPID" VmRSS)" >>"$OUT/startup.txt"
psql "$PGURI" -qAt -c "select 'postgres=' || current_setting('server_version') || ' fsync=' || current_setting('fsync')
  || ' synchronous_commit=' || current_setting('synchronous_commit') || ' shared_buffers=' || current_setting('shared_buffers')" \
  >>"$OUT/startup.txt" 2>&1 || true

# ---------------------------------------------------------------- 3. ingest
(
  n=$(( (2 * SECS + 3600) / MEM_INTERVAL ))   # bounded; the main script stops it after ingest
  for ((i = 0; i < n; i++)); do
    kill -0 "$JPID" 2>/dev/null || break
    # proc-mem.sh's jcmd (heap figures) launches a JVM and attaches to Lafia's: ~0.8 s of CPU, 7 % of
    # the two cores at one sample per 5 s, taken from the ingest it measures. The kernel's figures
    # (VmHWM is the exact peak) are read every time, jcmd's once a minute.
    echo "# t=$(date +%s)"
    if (( i % (60 / MEM_INTERVAL + 1) == 0 )); then "$FBDIR/proc-mem.sh" "$JPID" 2>/dev/null || true
    else grep -E '^(VmRSS|VmHWM|RssAnon|RssFile)' "/proc/$JPID/status" 2>/dev/null || true; fi
    sleep "$MEM_INTERVAL"
  done
) >"$OUT/mem-ingest.log" &
MEMPID=$!

# Autovacuum's work counts as PostgreSQL CPU in whichever phase it falls: how many vacuums and
# analyzes each phase saw, to tell its share from the store's.
autovac() { psql "$PGURI" -qAt -c "select coalesce(sum(autovacuum_count), 0) || ' ' || coalesce(sum(autoanalyze_count), 0)
  from pg_stat_all_tables" 2>/dev/null || echo "0 0"; }
AV0=$(autovac)
log "ingest, 1 client: shared bundles then at most $SEQ_N patient bundles, at most ${SECS}s"
measured "$OUT/ingest-seq.log" "$PIDS" "${FB[@]}" ingest --base "$BASE" --dir "$DATA" --concurrency 1 \
  --limit "$SEQ_N" --max-seconds "$SECS" --out "$OUT/ingest-seq.tsv"
done_n=$(awk -F'\t' 'NR>1 && $1 !~ /^(hospital|practitioner)Information/' "$OUT/ingest-seq.tsv" | wc -l)
AV1=$(autovac)
if (( done_n < N_PATIENT )); then
  log "ingest, 4 clients: patient bundles from #$done_n, at most ${SECS}s"
  measured "$OUT/ingest-c4.log" "$PIDS" "${FB[@]}" ingest --base "$BASE" --dir "$DATA" --shared false --offset "$done_n" \
    --concurrency 4 --max-seconds "$SECS" --out "$OUT/ingest-c4.tsv"
else
  log "the 1-client phase loaded every patient bundle: no 4-client phase"
fi
AV2=$(autovac)
read -r av0v av0a <<<"$AV0"; read -r av1v av1a <<<"$AV1"; read -r av2v av2a <<<"$AV2"
echo "autovacuum during ingest: 1-client phase $((av1v - av0v)) vacuums, $((av1a - av0a)) analyzes;" \
  "4-client phase $((av2v - av1v)) vacuums, $((av2a - av1a)) analyzes" >"$OUT/autovacuum.txt"
kill "$MEMPID" 2>/dev/null || true; wait "$MEMPID" 2>/dev/null || true; MEMPID=""
RSS_PEAK_SAMPLED=$(awk '/^VmRSS/{if ($2 > m) m = $2} END{printf "%.0f", m/1024}' "$OUT/mem-ingest.log")
RSS_HWM=$(proc_rss_mb "$JPID" VmHWM)
echo "rss_peak_sampled_mb=$RSS_PEAK_SAMPLED vm_hwm_mb=$RSS_HWM" | tee "$OUT/mem-summary.txt"
# every failed bundle, with the server's answer (first 300 characters)
awk -F'\t' 'FNR>1 && $4 !~ /^2/' "$OUT"/ingest-*.tsv >"$OUT/ingest-errors.tsv" || true
psql "$PGURI" -qAt -c "select 'db_size=' || pg_size_pretty(pg_database_size('postgres'))" >"$OUT/db-size.txt" 2>&1 || true

# ---------------------------------------------------------------- 5. search
# Searches are measured on a settled database: right after a bulk load PostgreSQL's autovacuum
# (visibility maps, statistics of the new rows) competes with them for the two cores. Wait, at most
# 300 s, until no autovacuum worker has run for two checks in a row; the wait is reported.
SETTLE_T0=$(now); quiet=0
for ((i = 0; i < 150 && quiet < 2; i++)); do
  busy=$(psql "$PGURI" -qAt -c "select count(*) from pg_stat_activity where backend_type = 'autovacuum worker'" 2>/dev/null || echo 0)
  if [[ "$busy" == "0" ]]; then quiet=$((quiet + 1)); else quiet=0; fi
  sleep 2
done
SETTLE_S=$(awk -v a="$SETTLE_T0" -v b="$(now)" 'BEGIN{printf "%.0f", b - a}')
echo "settle_s=$SETTLE_S autovacuum_quiet=$([[ $quiet -ge 2 ]] && echo yes || echo no)" | tee "$OUT/settle.txt"
# Searches run as a facility-scoped clinician (issue 4's protocol), attached to the 10
# organisations with the most encounters (a large hospital group): most patients are in care
# there, every search pays the care-relationship filter, every access is audited.
# SEARCH_AS=system keeps the system client.
if [[ $NO_AUTH == 1 ]]; then
  echo "search_as=anonymous (no authentication)" | tee -a "$OUT/settle.txt"
elif [[ "${SEARCH_AS:-clinician}" == clinician ]]; then
  psql "$PGURI" -qAt -c "insert into sec_user (login, display_name, password_hash, roles, facilities)
    select 'bench-clinicien', 'Clinicien du banc', '{noop}unusable', '{clinician}', coalesce(array_agg(res_id), '{}')
    from (select o.res_id from fhir_sp_ref x join fhir_resource e on e.pid = x.pid and e.res_type = 'Encounter'
          join fhir_resource o on o.pid = x.tgt_pid and o.res_type = 'Organization'
          group by o.res_id order by count(*) desc limit 10) top
    on conflict (login) do update set facilities = excluded.facilities" >"$OUT/search-user.log" 2>&1
  echo "patients_in_care=$(psql "$PGURI" -qAt -c "select count(distinct s.tgt_pid) from fhir_sp_ref s join fhir_sp_ref o on o.pid = s.pid
    join fhir_resource org on org.pid = o.tgt_pid and org.res_type = 'Organization' join fhir_resource e on e.pid = s.pid and e.res_type = 'Encounter'
    join fhir_resource p on p.pid = s.tgt_pid and p.res_type = 'Patient'
    where org.res_id = any((select facilities from sec_user where login = 'bench-clinicien')::text[])")
    of $(psql "$PGURI" -qAt -c "select count(*) from fhir_resource where res_type = 'Patient' and not deleted")" | tee -a "$OUT/settle.txt"
  echo "search_as=clinician facilities=$(psql "$PGURI" -qAt -c "select cardinality(facilities) from sec_user where login = 'bench-clinicien'")" \
    | tee -a "$OUT/settle.txt"
  LAFIA_BEARER=$(LAFIA_ISSUER="http://127.0.0.1:$PORT" java -jar "$RUN/lafia.jar" token --user bench-clinicien --ttl 6h \
    --data-dir "$DATADIR" 2>>"$OUT/token.log") || { log "no clinician token; see $OUT/token.log"; exit 1; }
  export LAFIA_BEARER
else
  echo "search_as=system" | tee -a "$OUT/settle.txt"
fi
# A long-running server has compiled its search paths long ago; a freshly started one compiles
# them while they are measured, which on 2 cores doubles the latencies. So a warm-up pass first,
# unmeasured (the same queries, the same user), unless --search-warmup 0.
if [[ "$SEARCH_WARMUP" -gt 0 ]]; then
  log "search warm-up: $SEARCH_WARMUP requests per query, not measured"
  "${FB[@]}" search --base "$BASE" --n "$SEARCH_WARMUP" --warmup 10 --concurrency 1 --out "$OUT/search-warmup.tsv" \
    >"$OUT/search-warmup.log" 2>&1 || true
fi
echo "search_warmup_requests_per_query=$SEARCH_WARMUP" | tee -a "$OUT/settle.txt"
for c in 1 4; do
  log "search, $c client(s): 200 requests per query after 10 warm-up"
  measured "$OUT/search-c$c.log" "$PIDS" "${FB[@]}" search --base "$BASE" --n 200 --warmup 10 --concurrency "$c" \
    --out "$OUT/search-c$c.tsv"
done
# For every query that saw a non-200, replay its first failing request and keep status + body.
: >"$OUT/search-errors.txt"
for f in "$OUT"/search-c*.tsv; do
  [[ -f "$f" ]] || continue
  awk -F'\t' 'NR>1 && $4 != 200 && !seen[$1]++ {print $1"\t"$3"\t"$4}' "$f" | while IFS=$'\t' read -r q url st; do
    cnt=$(awk -F'\t' -v q="$q" 'NR>1 && $1==q && $4!=200' "$f" | wc -l)
    body=$(curl -s --max-time 60 -H 'Accept: application/fhir+json' -H "Authorization: Bearer $LAFIA_BEARER" -w '\nHTTP %{http_code}' "$url" | tail -c 1500)
    printf '%s: query=%s non200=%s first status=%s\n  GET %s\n  replay: %s\n\n' "$(basename "$f")" "$q" "$cnt" "$st" "$url" "$body" >>"$OUT/search-errors.txt"
  done
done

# ---------------------------------------------------------------- 4. raw COPY ceiling (same PostgreSQL)
for s in 1 2; do
  log "raw COPY ceiling, $s stream(s), variants: $COPY_VARIANTS"
  measured "$OUT/copy-s$s.log" "$PGPID" "$FBDIR/pg-jsonb-ceiling.sh" "$PGURI" "$SET/copy/res" "$s" "$COPY_VARIANTS"
done

# ---------------------------------------------------------------- 6. stop, summary
log "stopping Lafia (SIGTERM)"
stop_server
cat "$OUT/shutdown.txt"

phase() { # phase LOG LABEL-REGEX -> "resources/s bundles/s ok failed resources wall"
  local l; l=$(grep -F "[$2]" "$1" 2>/dev/null | tail -1) || true
  [[ -n "$l" ]] || { echo "- - - - - -"; return; }
  for k in 'resources/s' 'bundles/s' 'ok' 'failed' 'resources_ok' 'wall_s'; do
    printf '%s ' "$(grep -oP "(?<= |^)${k//\//\\/}=\K[0-9.]+" <<<"${l#*]}" | head -1)"
  done; echo
}
host_of() { grep -oP 'host: busy_cpu_s=\K[0-9.]+' "$1" 2>/dev/null | tail -1 || echo -; }
cpu_of() { grep -oP "pid=$2 \(\S+\) cpu_s=\K[0-9.]+" "$1" 2>/dev/null | tail -1 || echo -; }
per_res() { awk -v c="$1" -v n="$2" 'BEGIN{ if (c+0 > 0 && n+0 > 0) printf "%.3f", 1000*c/n; else print "-" }'; }
wall_of() { grep -oP 'with-cpu: wall_s=\K[0-9.]+' "$1" 2>/dev/null | tail -1 || echo -; }
read -r S_RPS S_BPS S_OK S_FAIL S_RES S_WALL <<<"$(phase "$OUT/ingest-seq.log" "shared (org/location/practitioner), sequential")"
read -r P1_RPS P1_BPS P1_OK P1_FAIL P1_RES P1_WALL <<<"$(phase "$OUT/ingest-seq.log" "patient bundles, concurrency=1")"
read -r P4_RPS P4_BPS P4_OK P4_FAIL P4_RES P4_WALL <<<"$(phase "$OUT/ingest-c4.log" "patient bundles, concurrency=4")"
BEST_COPY=$(cat "$OUT"/copy-s*.log 2>/dev/null | grep -oP 'rows_per_s=\K[0-9]+' | sort -n | tail -1 || true)
BEST_COPY_LINE=$(grep -h "rows_per_s=${BEST_COPY:-x}\b" "$OUT"/copy-s*.log 2>/dev/null | head -1 || true)
RATIO=$(awk -v a="$P4_RPS" -v b="${BEST_COPY:-0}" 'BEGIN{ if (a+0 > 0 && b+0 > 0) printf "%.1f%%", 100*a/b; else print "-" }')

{
  echo "# Lafia benchmark, size=$SIZE ($STAMP)"
  echo
  sed 's/^/    /' "$OUT/machine.txt"
  echo
  echo "start-up: ${STARTUP} s to /fhir/metadata 200; $(tail -n +2 "$OUT/startup.txt" | tr '\n' ' ')"
  echo "stop: $(tr '\n' ' ' <"$OUT/shutdown.txt")"
  echo
  echo "| ingest phase | bundles ok | failed | resources | wall s | resources/s | bundles/s | java CPU s | postgres CPU s | host busy CPU s |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  echo "| shared org/practitioner, 1 client | $S_OK | $S_FAIL | $S_RES | $S_WALL | $S_RPS | $S_BPS | | | |"
  echo "| patient bundles, 1 client (incl. shared for CPU) | $P1_OK | $P1_FAIL | $P1_RES | $P1_WALL | $P1_RPS | $P1_BPS | $(cpu_of "$OUT/ingest-seq.log" "$JAVA_PID") | $(cpu_of "$OUT/ingest-seq.log" "$PGPID") | $(host_of "$OUT/ingest-seq.log") |"
  echo "| patient bundles, 4 clients | $P4_OK | $P4_FAIL | $P4_RES | $P4_WALL | $P4_RPS | $P4_BPS | $(cpu_of "$OUT/ingest-c4.log" "$JAVA_PID") | $(cpu_of "$OUT/ingest-c4.log" "$PGPID") | $(host_of "$OUT/ingest-c4.log") |"
  echo
  # CPU per resource moves far less from run to run than resources/s on a shared 2-core machine:
  # compare changes with it.
  echo "CPU per resource, 4-client phase: $(per_res "$(cpu_of "$OUT/ingest-c4.log" "$JAVA_PID")" "$P4_RES") ms JVM," \
    "$(per_res "$(cpu_of "$OUT/ingest-c4.log" "$PGPID")" "$P4_RES") ms PostgreSQL," \
    "$(per_res "$(host_of "$OUT/ingest-c4.log")" "$P4_RES") ms whole host (the load client included, its untimed pre-pass over the files too)"
  echo "Java RSS during ingest: peak sampled ${RSS_PEAK_SAMPLED} MB (every ${MEM_INTERVAL}s), VmHWM ${RSS_HWM} MB; $(cat "$OUT/db-size.txt")"
  cat "$OUT/autovacuum.txt" 2>/dev/null || true
  echo "before search, waited for autovacuum to finish: $(cat "$OUT/settle.txt")"
  echo "failed bundles: $(wc -l <"$OUT/ingest-errors.tsv") (see ingest-errors.tsv)"
  echo
  echo "raw COPY ceiling (pg-jsonb-ceiling.sh on the embedded PostgreSQL):"
  cat "$OUT"/copy-s*.log 2>/dev/null | grep '^variant=' | sed 's/^/    /'
  echo "4-client ingest / best COPY rate (${BEST_COPY_LINE:-none}): $RATIO"
  echo
  for c in 1 4; do
    echo "search, $c client(s) (wall $(wall_of "$OUT/search-c$c.log") s, java CPU $(cpu_of "$OUT/search-c$c.log" "$JAVA_PID") s, postgres CPU $(cpu_of "$OUT/search-c$c.log" "$PGPID") s, host busy CPU $(host_of "$OUT/search-c$c.log") s):"
    grep -E '^\|' "$OUT/search-c$c.log" 2>/dev/null || echo "  (no result)"
    grep -E 'non-200' "$OUT/search-c$c.log" 2>/dev/null || true
    echo
  done
  if [[ -s "$OUT/search-errors.txt" ]]; then echo "search errors (replayed):"; cat "$OUT/search-errors.txt"; fi
  if [[ -s "$OUT/ingest-errors.tsv" ]]; then echo "ingest errors:"; cut -c1-400 "$OUT/ingest-errors.tsv"; fi
  # server log: ERROR/WARN lines without their time stamps, and the exceptions they carry, counted
  { grep -E ' (ERROR|WARN) ' "$OUT/server.log" | sed -E 's/^[0-9T:.Z-]+ +//; s/ [0-9]+ --- \[[^]]*\] \[[^]]*\]/ /' | cut -c1-200
    grep -oE '^[a-z][A-Za-z0-9_.$]*(Exception|Error)(: .{0,150})?' "$OUT/server.log"
  } | sort | uniq -c | sort -rn | head -20 | sed 's/^/server log: /' || true
} | tee "$OUT/summary.md"
log "raw outputs in $OUT"
