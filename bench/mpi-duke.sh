#!/usr/bin/env bash
# Duke (no.priv.garshol.duke:duke:1.2, the established Java dedup engine) against Lafia's batch
# record linkage (`lafia.jar mpi link|dedup`), side by side on FEBRL (../shared/data/febrl):
# dataset 4a x 4b linkage and dataset 3 dedup, each with and without soc_sec_id, with the same
# column mapping for both engines. Times every run (wall seconds, JVM start included), evaluates
# both with bench/mpi/evaluate.py (the truth, the entity number in rec_id, is read only there) and
# prints one markdown table. Duke runs through bench/mpi/duke (DukeRun: Duke configured in code,
# see its --help and the duke-*.config files written next to the results).
# Duke's link runs are done twice: Duke's default record-linkage mode (all matches above the
# review threshold, as Lafia does) and with Duke's --singlematch (best match per right record).
# Usage: bench/mpi-duke.sh [--jar target/lafia.jar] [--duke-jar bench/mpi/duke/target/duke-run.jar]
#                          [--data ../shared/data/febrl]
# Extra DukeRun options (e.g. DUKE_OPTS="--fuzzy true --max-hits 100") go through $DUKE_OPTS.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
JAR="$ROOT/target/lafia.jar"; DUKE="$ROOT/bench/mpi/duke/target/duke-run.jar"; DATA="$ROOT/../shared/data/febrl"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --jar) JAR="$2"; shift 2;;
    --duke-jar) DUKE="$2"; shift 2;;
    --data) DATA="$2"; shift 2;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
[[ -f "$JAR" ]] || { echo "no Lafia jar at $JAR: build it first with 'mvn -DskipTests package' in $ROOT" >&2; exit 2; }
[[ -f "$DATA/dataset3.csv" ]] || { echo "no FEBRL data in $DATA" >&2; exit 2; }
if [[ ! -f "$DUKE" ]]; then
  echo "building $DUKE" >&2
  (cd "$ROOT" && mvn -B -ntp -q -f bench/mpi/duke/pom.xml package)
fi
read -r -a DUKE_EXTRA <<< "${DUKE_OPTS:-}"
OUT="$ROOT/bench/out/mpi-duke-$(date -u +%Y%m%d-%H%M%S)"; mkdir -p "$OUT"
MAP="id=rec_id,given=given_name,family=surname,streetNumber=street_number,address=address_1,address2=address_2,city=suburb,postalCode=postcode,state=state,birthDate=date_of_birth"
EV=(python3 "$ROOT/bench/mpi/evaluate.py" --truth-regex '^rec-(\d+)-')
now() { date +%s.%N; }
{
  echo "# Duke vs Lafia on FEBRL, $(date -u +%FT%TZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# lafia: $JAR (default thresholds: auto-link 0.95, review 0.5)"
  echo "# duke:  $DUKE (auto-link 0.95, review 0.7) ${DUKE_OPTS:-}"
} | tee "$OUT/summary.txt"
ROWS="$OUT/rows.tsv"; : > "$ROWS"

# row NAME ENGINE SECONDS EVAL_FILE: one table row from evaluate.py's output
row() {
  awk -F'\t' -v set="$1" -v eng="$2" -v secs="$3" '
    function val(k,   i, kv) { for (i = 3; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) return kv[2] } return "" }
    $2 == "auto-link" { ap = val("precision"); ar = val("recall"); af = val("f1"); afp = val("fp"); afn = val("fn") }
    $2 == "auto-link+review" { bp = val("precision"); br = val("recall"); bf = val("f1"); bfp = val("fp"); bfn = val("fn") }
    $2 == "review" { rv = val("pairs") }
    END { printf "| %s | %s | %.1f | %.4f | %.4f | %.4f | %s/%s | %.4f | %.4f | %.4f | %s/%s | %s |\n",
          set, eng, secs, ap, ar, af, afp, afn, bp, br, bf, bfp, bfn, rv }' "$4" >> "$ROWS"
}

for ssn in with without; do
  M="$MAP"; [[ $ssn == with ]] && M="$MAP,nationalId=soc_sec_id"
  for set in 4 3; do
    if [[ $set == 4 ]]; then
      args=(link --left "$DATA/dataset4a.csv" --right "$DATA/dataset4b.csv"); truth=(--link "$DATA/dataset4a.csv" "$DATA/dataset4b.csv")
      name="febrl4-link-$ssn-ssn"
      engines=(lafia duke duke-singlematch)
    else
      args=(dedup --input "$DATA/dataset3.csv"); truth=(--dedup "$DATA/dataset3.csv")
      name="febrl3-dedup-$ssn-ssn"
      engines=(lafia duke)
    fi
    for eng in "${engines[@]}"; do
      base="$OUT/$eng-$name"
      s0=$(now)
      case "$eng" in
        lafia) java -jar "$JAR" mpi "${args[@]}" --columns "$M" --output "$base.csv" --model "$base.model" > "$base.log" 2>&1;;
        duke) java -jar "$DUKE" "${args[@]}" --columns "$M" --output "$base.csv" --config-out "$base.config" \
                ${DUKE_EXTRA[@]+"${DUKE_EXTRA[@]}"} > "$base.log" 2>&1;;
        duke-singlematch) java -jar "$DUKE" "${args[@]}" --columns "$M" --output "$base.csv" --config-out "$base.config" \
                --single-match true ${DUKE_EXTRA[@]+"${DUKE_EXTRA[@]}"} > "$base.log" 2>&1;;
      esac
      s1=$(now)
      secs=$(awk -v a="$s0" -v b="$s1" 'BEGIN { printf "%.1f", b - a }')
      printf '%s\t%s\tseconds=%s\t%s\n' "$name" "$eng" "$secs" "$(grep -E '^(pairs written|duke )' "$base.log" | tail -1 | sed 's/ -> .*//')" | tee -a "$OUT/summary.txt"
      "${EV[@]}" --pairs "$base.csv" "${truth[@]}" --label "$eng-$name" > "$base.eval"
      tee -a "$OUT/summary.txt" < "$base.eval"
      row "$name" "$eng" "$secs" "$base.eval"
    done
  done
done

{
  echo
  echo "| data set | engine | wall s | auto-link P | auto-link R | auto-link F1 | auto-link fp/fn | +review P | +review R | +review F1 | +review fp/fn | review pairs |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  cat "$ROWS"
  echo
  echo "FEBRL 4a x 4b: 5,000 true links; dataset 3: 6,538 true pairs. +review = auto-link and review bands together."
  echo "duke-singlematch = Duke's --singlematch linkage (only the best match per dataset4b record is kept)."
} | tee -a "$OUT/summary.txt"
echo "raw files in $OUT"
