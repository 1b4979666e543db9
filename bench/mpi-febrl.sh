#!/usr/bin/env bash
# Client-registry matching accuracy and speed on FEBRL (../shared/data/febrl): dataset 4a x 4b
# linkage and dataset 3 dedup, with and without soc_sec_id, through the batch command
# `lafia.jar mpi link|dedup`. The truth (the entity number in rec_id) is read only by
# bench/mpi/evaluate.py, after the run; the matcher sees rec_id as an opaque id.
# Also reports pairs completeness (true pairs among the candidates) from a run with the review
# threshold near 0, which writes every candidate pair.
# Usage: bench/mpi-febrl.sh [--jar target/lafia.jar] [--data ../shared/data/febrl]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
JAR="$ROOT/target/lafia.jar"; DATA="$ROOT/../shared/data/febrl"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --jar) JAR="$2"; shift 2;;
    --data) DATA="$2"; shift 2;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
[[ -f "$JAR" ]] || (cd "$ROOT" && mvn -B -ntp -q -DskipTests package)
[[ -f "$DATA/dataset3.csv" ]] || { echo "no FEBRL data in $DATA" >&2; exit 2; }
OUT="$ROOT/bench/out/mpi-febrl-$(date -u +%Y%m%d-%H%M%S)"; mkdir -p "$OUT"
MAP="id=rec_id,given=given_name,family=surname,streetNumber=street_number,address=address_1,address2=address_2,city=suburb,postalCode=postcode,state=state,birthDate=date_of_birth"
EV=(python3 "$ROOT/bench/mpi/evaluate.py" --truth-regex '^rec-(\d+)-')
echo "# FEBRL, $(date -u +%FT%TZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" | tee "$OUT/summary.txt"
for ssn in with without; do
  M="$MAP"; [[ $ssn == with ]] && M="$MAP,nationalId=soc_sec_id"
  for set in 4 3; do
    if [[ $set == 4 ]]; then args=(link --left "$DATA/dataset4a.csv" --right "$DATA/dataset4b.csv"); truth=(--link "$DATA/dataset4a.csv" "$DATA/dataset4b.csv")
    else args=(dedup --input "$DATA/dataset3.csv"); truth=(--dedup "$DATA/dataset3.csv"); fi
    name="febrl$set-$ssn-ssn"
    s0=$(date +%s.%N)
    java -jar "$JAR" mpi "${args[@]}" --columns "$M" --output "$OUT/$name.csv" --model "$OUT/$name.model" > "$OUT/$name.log"
    s1=$(date +%s.%N)
    printf '%s\tseconds=%.1f\t%s\n' "$name" "$(echo "$s1 - $s0" | bc)" "$(sed -n 2p "$OUT/$name.log")" | tee -a "$OUT/summary.txt"
    "${EV[@]}" --pairs "$OUT/$name.csv" "${truth[@]}" --label "$name" | tee -a "$OUT/summary.txt"
    java -jar "$JAR" mpi "${args[@]}" --columns "$M" --output "$OUT/$name-all.csv" --review 1e-12 > /dev/null
    "${EV[@]}" --pairs "$OUT/$name-all.csv" "${truth[@]}" --label "$name-candidates" | grep auto-link+review \
      | sed 's/auto-link+review/pairs-completeness/' | tee -a "$OUT/summary.txt"
  done
done
echo "raw files in $OUT"
