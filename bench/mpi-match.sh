#!/usr/bin/env bash
# Patient/$match latency and top-1 accuracy on the demo country: loads it with N patients
# (`lafia.jar demo`), starts Lafia on it, takes patients as stored and asks $match for each as a
# desk would type it (family name in capitals, accents dropped, the given names kept, birth date
# and sex as stored), as the demo system client, one request at a time.
# Then registration with matching (POST Patient): the same stored patients registered again as
# another facility's desk would type them (auto-link expected: the same national health ID), and
# as many new persons made of other persons' names and new birth dates (new person expected) —
# latency, and how many landed in each band.
# Usage: bench/mpi-match.sh [--patients 10000] [--requests 300] [--registrations 300] [--jar FILE]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PATIENTS=10000; REQUESTS=300; REGISTRATIONS=300; JAR="$ROOT/target/lafia.jar"; PORT=18096; PGPORT=15446
while [[ $# -gt 0 ]]; do
  case "$1" in
    --patients) PATIENTS="$2"; shift 2;;
    --requests) REQUESTS="$2"; shift 2;;
    --registrations) REGISTRATIONS="$2"; shift 2;;
    --jar) JAR="$2"; shift 2;;
    -h|--help) sed -n '2,11p' "$0"; exit 0;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
[[ -f "$JAR" ]] || (cd "$ROOT" && mvn -B -q -ntp -DskipTests package)
DIR="$(mktemp -d /tmp/lafia-mpi-match.XXXXXX)"
JPID=""
trap '[[ -n "$JPID" ]] && kill "$JPID" 2>/dev/null; wait 2>/dev/null; rm -rf "$DIR"' EXIT
read -r -a JOPTS <<<"${LAFIA_JAVA_OPTS:--Xmx640m -XX:+UseParallelGC}"
echo "loading the demo country with $PATIENTS patients..." >&2
java "${JOPTS[@]}" -jar "$JAR" demo --country TG --patients "$PATIENTS" --data-dir "$DIR/data" >"$DIR/demo.log" 2>&1 || { tail -20 "$DIR/demo.log"; exit 1; }
java "${JOPTS[@]}" -jar "$JAR" --server.address=127.0.0.1 --server.port=$PORT --lafia.db.data-dir="$DIR/data" \
  --lafia.db.embedded-port=$PGPORT --lafia.security.demo-accounts=true --lafia.security.issuer="http://127.0.0.1:$PORT" >"$DIR/server.log" 2>&1 &
JPID=$!
for _ in $(seq 1 600); do [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/fhir/metadata" || true)" == 200 ]] && break; sleep 0.5; done
TOKEN=$(LAFIA_ISSUER="http://127.0.0.1:$PORT" java -jar "$JAR" token --client lafia-demo-system --ttl 1h --data-dir "$DIR/data" 2>/dev/null)
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
python3 - "http://127.0.0.1:$PORT/fhir" "$TOKEN" "$REQUESTS" "$PATIENTS" "$REGISTRATIONS" <<'PY'
import json, sys, time, unicodedata, urllib.parse, urllib.request, urllib.error, random
base, token, n, registry, regs = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
H = {"Authorization": "Bearer " + token, "Accept": "application/fhir+json", "Content-Type": "application/fhir+json", "Prefer": "return=representation"}
def call(method, url, body=None):
    req = urllib.request.Request(url, data=None if body is None else json.dumps(body).encode(), headers=H, method=method)
    try:
        with urllib.request.urlopen(req, timeout=60) as r: return json.load(r)
    except urllib.error.HTTPError as e:
        sys.exit(f"{method} {url}: {e.code} {e.read().decode()[:500]}")
patients, url = [], base + "/Patient?_count=500"
while url and len(patients) < (n + regs) * 3:
    b = call("GET", url)
    patients += [e["resource"] for e in b.get("entry", []) if e["resource"].get("name")]
    url = next((l["url"] for l in b.get("link", []) if l["relation"] == "next"), None)
random.Random(42).shuffle(patients)
def plain(s): return "".join(c for c in unicodedata.normalize("NFD", s) if unicodedata.category(c) != "Mn")
lat, top1, found = [], 0, 0
for i, p in enumerate(patients[: n + 20]):
    nm = p["name"][0]
    q = {"resourceType": "Patient", "name": [{"family": plain(nm.get("family", "")).upper(), "given": nm.get("given", [])}]}
    for k in ("birthDate", "gender"):
        if k in p: q[k] = p[k]
    body = {"resourceType": "Parameters", "parameter": [{"name": "resource", "resource": q}, {"name": "count", "valueInteger": 5}]}
    t0 = time.perf_counter(); b = call("POST", base + "/Patient/$match", body); ms = (time.perf_counter() - t0) * 1000
    if i < 20: continue  # warm-up
    lat.append(ms)
    ids = [e["resource"]["id"] for e in b.get("entry", [])]
    top1 += bool(ids) and ids[0] == p["id"]; found += p["id"] in ids
lat.sort()
pc = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))]
print(f"registry_patients={registry} requests={len(lat)} p50_ms={pc(0.5):.1f} p95_ms={pc(0.95):.1f} max_ms={lat[-1]:.1f} "
      f"top1={top1/len(lat):.3f} in_top5={found/len(lat):.3f}")

# Registration with matching: the same persons again, as another desk types them; then new persons.
NHID = "http://lafia.health/fhir/sid/national-health-id"
def nhid(p): return next((i["value"] for i in p.get("identifier", []) if i.get("system") == NHID and i.get("use") != "old"), None)
rng = random.Random(7)
again = patients[n + 20: n + 20 + regs]
rlat, bands = [], {"same person linked": 0, "same person not linked": 0, "new person linked (false merge)": 0, "new person kept new": 0}
for k, p in enumerate(again + again):
    nm = p["name"][0]
    if k < len(again):  # the same person at another facility
        q = {"resourceType": "Patient", "name": [{"family": plain(nm.get("family", "")).upper(), "given": nm.get("given", [])}]}
        for f in ("birthDate", "gender", "telecom"):
            if f in p: q[f] = p[f]
        expect = nhid(p)
    else:  # a new person: another person's given names, this one's family name, another birth date, no phone
        other = patients[rng.randrange(len(patients))]
        q = {"resourceType": "Patient", "name": [{"family": nm.get("family", ""), "given": other["name"][0].get("given", [])}],
             "birthDate": f"{rng.randrange(1940, 2024)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"}
        if "gender" in other: q["gender"] = other["gender"]
        expect = None
    t0 = time.perf_counter(); r = call("POST", base + "/Patient", q); ms = (time.perf_counter() - t0) * 1000
    rlat.append(ms)
    got = nhid(r)
    if expect is not None: bands["same person linked" if got == expect else "same person not linked"] += 1
    else:
        bands["new person kept new"] += 1  # unless another record carries its ID (below)
    if expect is None:
        s = call("GET", base + "/Patient?identifier=" + urllib.parse.quote(NHID + "|" + got, safe="") + "&_summary=count")
        if s.get("total", 0) > 1:
            bands["new person kept new"] -= 1; bands["new person linked (false merge)"] += 1
rlat.sort()
pr = lambda q: rlat[min(len(rlat) - 1, int(q * len(rlat)))]
print(f"registrations={len(rlat)} p50_ms={pr(0.5):.1f} p95_ms={pr(0.95):.1f} max_ms={rlat[-1]:.1f} " + " ".join(f"{k.replace(' ', '_')}={v}" for k, v in bands.items()))
PY
