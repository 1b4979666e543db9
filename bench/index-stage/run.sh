#!/usr/bin/env bash
# The indexing stage of a create (HAPI model + search values), whole resource against the view of
# what the parameters reach: CPU and allocation per resource, one thread, rounds 1 (cold) to 5.
# Usage: bench/index-stage/run.sh [bundle-dir] [max-resources]
#   bundle-dir defaults to the quick Synthea set cached by bench/run.sh --size quick.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIR="${1:-$HOME/.cache/lafia-bench/synthea-p20-s42/fhir}"
[[ -d "$DIR" ]] || { echo "no bundles in $DIR: run bench/run.sh --size quick once (it generates them)" >&2; exit 1; }
cd "$ROOT"
mvn -B -q -ntp compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt >/dev/null
java -Xmx3g -cp "target/classes:$(cat target/bench-classpath.txt)" bench/index-stage/IndexStageBench.java "$DIR" "${2:-40000}" 2>&1 \
  | grep -E '^(resources|round)='
