#!/usr/bin/env bash
# The francophone person-record set (bench/mpi/francophone/: Togo, Cameroon, Morocco; households,
# twins, parents and children, day names, Arabic script...), generated from a seed, deduplicated by
# Lafia (`lafia.jar mpi dedup`) and by Duke 1.2 (bench/mpi/duke, configured as for FEBRL) with the
# same column mapping, each timed and evaluated by bench/mpi/francophone/evaluate.py (the truth is
# read only there): precision/recall/F1 per band, records in review, false merges of twins,
# parents-children and household members, recall per kind of corruption and per country.
# Usage: bench/mpi-francophone.sh [--persons 20000] [--seed 42] [--jar target/lafia.jar] [--no-duke]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PERSONS=20000; SEED=42; JAR="$ROOT/target/lafia.jar"; DUKE="$ROOT/bench/mpi/duke/target/duke-run.jar"; WITH_DUKE=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --persons) PERSONS="$2"; shift 2;;
    --seed) SEED="$2"; shift 2;;
    --jar) JAR="$2"; shift 2;;
    --no-duke) WITH_DUKE=0; shift;;
    -h|--help) sed -n '2,8p' "$0"; exit 0;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
[[ -f "$JAR" ]] || (cd "$ROOT" && mvn -B -q -ntp -DskipTests package)
SET="${HOME}/.cache/lafia-bench/francophone-s$SEED-p$PERSONS"
if [[ ! -f "$SET/truth.csv" ]]; then
  echo "generating the set in $SET..." >&2
  java "$ROOT/bench/mpi/francophone/Generate.java" --seed "$SEED" --persons "$PERSONS" --out "$SET" >&2
fi
if [[ $WITH_DUKE == 1 && ! -f "$DUKE" ]]; then (cd "$ROOT" && mvn -B -ntp -q -f bench/mpi/duke/pom.xml package); fi
OUT="$ROOT/bench/out/mpi-francophone-$(date -u +%Y%m%d-%H%M%S)"; mkdir -p "$OUT"
M="id=id,given=given,family=family,sex=sex,birthDate=birth_date,phone=phone,nationalId=national_id,city=city,district=district,address=address"
echo "# francophone set seed $SEED, $PERSONS persons, $(date -u +%FT%TZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
t0=$(date +%s.%N)
java -Xmx4g -jar "$JAR" mpi dedup --input "$SET/records.csv" --columns "$M" --output "$OUT/lafia.csv" --model "$OUT/lafia.model" > "$OUT/lafia.log"
echo "lafia	seconds=$(echo "$(date +%s.%N) - $t0" | bc)"
python3 "$ROOT/bench/mpi/francophone/evaluate.py" --dir "$SET" --pairs "$OUT/lafia.csv" --label lafia | tee "$OUT/lafia.eval"
if [[ $WITH_DUKE == 1 ]]; then
  t0=$(date +%s.%N)
  java -Xmx4g -jar "$DUKE" dedup --input "$SET/records.csv" --columns "$M" --output "$OUT/duke.csv" > "$OUT/duke.log" 2>&1
  echo "duke	seconds=$(echo "$(date +%s.%N) - $t0" | bc)"
  python3 "$ROOT/bench/mpi/francophone/evaluate.py" --dir "$SET" --pairs "$OUT/duke.csv" --label duke | tee "$OUT/duke.eval"
fi
echo "raw files in $OUT"
