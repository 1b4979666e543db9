#!/usr/bin/env python3
"""The client registry at scale (bench/mpi-scale.sh runs it): load the francophone set as a legacy
register through the FHIR API, then measure registration with matching and $match.

  scale.py load --base URL --token T --set DIR --work DIR
  scale.py measure --base URL --token T --set DIR --strangers DIR --work DIR --requests N

The truth (truth.csv) is read here only to choose the held-out records and to score the answers.
"""
import argparse
import csv
import datetime
import json
import os
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

NHID = "http://lafia.health/fhir/sid/national-health-id"
NATIONAL_ID = "urn:lafia:bench:national-id"


def call(base, token, method, path, body=None):
    req = urllib.request.Request(base + path, data=None if body is None else json.dumps(body).encode(), method=method,
                                 headers={"Authorization": "Bearer " + token, "Accept": "application/fhir+json",
                                          "Content-Type": "application/fhir+json", "Prefer": "return=representation"})
    try:
        with urllib.request.urlopen(req, timeout=600) as r:
            return json.load(r)
    except urllib.error.HTTPError as e:
        sys.exit(f"{method} {path[:120]}: {e.code} {e.read().decode()[:600]}")


def fhir_date(s):
    s = (s or "").strip()
    for fmt, out in (("%Y-%m-%d", "%Y-%m-%d"), ("%d/%m/%Y", "%Y-%m-%d"), ("%Y%m%d", "%Y-%m-%d")):
        try:
            return datetime.datetime.strptime(s, fmt).strftime(out)
        except ValueError:
            pass
    if len(s) == 4 and s.isdigit():
        return s
    if len(s) == 10 and s[4] == "-":  # an impossible date (a typo): the year is all a desk would keep
        return s[:4] if s[:4].isdigit() else None
    return None


def patient(r, with_id=True):
    p = {"resourceType": "Patient"}
    if with_id:
        p["id"] = r["id"]
    name = {}
    if r["family"].strip():
        name["family"] = r["family"].strip()
    if r["given"].strip():
        name["given"] = r["given"].split()
    if name:
        p["name"] = [name]
    sex = r["sex"].strip().lower()
    if sex in ("m", "h", "masculin", "homme", "male"):
        p["gender"] = "male"
    elif sex in ("f", "féminin", "feminin", "femme", "female"):
        p["gender"] = "female"
    d = fhir_date(r["birth_date"])
    if d:
        p["birthDate"] = d
    if r["phone"].strip():
        p["telecom"] = [{"system": "phone", "value": r["phone"].strip()}]
    if r["national_id"].strip():
        p["identifier"] = [{"system": NATIONAL_ID, "value": r["national_id"].strip()}]
    addr = {}
    if r["address"].strip():
        addr["line"] = [r["address"].strip()]
    if r["city"].strip():
        addr["city"] = r["city"].strip()
    if r["district"].strip():
        addr["district"] = r["district"].strip()
    if addr:
        p["address"] = [addr]
    return p


def read_set(d):
    truth = {}
    with open(os.path.join(d, "truth.csv"), newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            truth[r["id"]] = r["person"]
    return truth


def records(d):
    with open(os.path.join(d, "records.csv"), newline="", encoding="utf-8") as f:
        yield from csv.DictReader(f)


def load(a):
    truth = read_set(a.set)
    by_person = {}
    for rid, person in truth.items():
        by_person.setdefault(person, []).append(rid)
    held = {max(ids): person for person, ids in by_person.items() if len(ids) > 1}
    with open(os.path.join(a.work, "heldout.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "person"])
        for rid, person in sorted(held.items()):
            w.writerow([rid, person])
    batches, batch = [], []
    for r in records(a.set):
        if r["id"] in held:
            continue
        batch.append({"resource": patient(r), "request": {"method": "PUT", "url": "Patient/" + r["id"]}})
        if len(batch) == 1000:
            batches.append(batch)
            batch = []
    if batch:
        batches.append(batch)
    total = sum(len(b) for b in batches)
    lock, done = threading.Lock(), [0]
    t0 = time.perf_counter()

    def worker(k):
        for i in range(k, len(batches), 2):
            call(a.base, a.token, "POST", "", {"resourceType": "Bundle", "type": "transaction", "entry": batches[i]})
            with lock:
                done[0] += len(batches[i])
                if done[0] % 100000 < 1000:
                    print(f"  {done[0]} of {total} records in {time.perf_counter() - t0:.0f} s", file=sys.stderr)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    s = time.perf_counter() - t0
    print(f"load\trecords={total}\theld_out={len(held)}\tseconds={s:.0f}\trecords_per_s={total / s:.0f}")


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def nhid(p):
    return next((i["value"] for i in p.get("identifier", []) if i.get("system") == NHID and i.get("use") != "old"), None)


def measure(a):
    truth = read_set(a.set)
    by_person = {}
    for rid, person in truth.items():
        by_person.setdefault(person, []).append(rid)
    with open(os.path.join(a.work, "heldout.csv"), newline="", encoding="utf-8") as f:
        held = [r["id"] for r in csv.DictReader(f)]
    wanted = set(held[: 2 * a.requests])
    rec = {r["id"]: r for r in records(a.set) if r["id"] in wanted}
    reg, match = held[: a.requests], held[a.requests: 2 * a.requests]
    # Registration of held-out records: did each join its person?
    lat, bands = [], {"joined": 0, "not_joined": 0}
    for i, rid in enumerate(reg):
        person = truth[rid]
        t0 = time.perf_counter()
        p = call(a.base, a.token, "POST", "/Patient", patient(rec[rid], with_id=False))
        lat.append((time.perf_counter() - t0) * 1000)
        theirs = {nhid(call(a.base, a.token, "GET", "/Patient/" + x)) for x in by_person[person] if x != rid}
        if nhid(p) in theirs:
            bands["joined"] += 1
        else:
            q = urllib.parse.quote(NHID + "|" + nhid(p), safe="")
            bands["not_joined"] += 1
            if call(a.base, a.token, "GET", "/Patient?identifier=" + q + "&_summary=count").get("total", 0) > 1:
                bands["joined_another_person"] = bands.get("joined_another_person", 0) + 1
    print(f"registration\trequests={len(lat)}\tp50_ms={pct(lat, .5):.1f}\tp95_ms={pct(lat, .95):.1f}\tmax_ms={max(lat):.1f}"
          f"\tjoined_their_person={bands['joined']}\tnot_joined={bands['not_joined']}"
          f"\tof_which_joined_another_person={bands.get('joined_another_person', 0)}")
    # Strangers: persons of another seed, never registered.
    seen, lat2, wrong = set(), [], 0
    strangers = []
    for r in records(a.strangers):
        strangers.append(r)
        if len(strangers) >= 4 * a.requests:
            break
    stranger_truth = read_set(a.strangers)
    for r in strangers:
        person = stranger_truth[r["id"]]
        if person in seen:
            continue
        seen.add(person)
        t0 = time.perf_counter()
        p = call(a.base, a.token, "POST", "/Patient", patient(r, with_id=False))
        lat2.append((time.perf_counter() - t0) * 1000)
        q = urllib.parse.quote(NHID + "|" + nhid(p), safe="")
        if call(a.base, a.token, "GET", "/Patient?identifier=" + q + "&_summary=count").get("total", 0) > 1:
            wrong += 1
        if len(lat2) >= a.requests:
            break
    print(f"registration_strangers\trequests={len(lat2)}\tp50_ms={pct(lat2, .5):.1f}\tp95_ms={pct(lat2, .95):.1f}"
          f"\twrongly_linked={wrong}")
    # $match for held-out records never registered.
    lat3, top1 = [], 0
    for rid in match:
        body = {"resourceType": "Parameters", "parameter": [{"name": "resource", "resource": patient(rec[rid], with_id=False)},
                                                             {"name": "count", "valueInteger": 5}]}
        t0 = time.perf_counter()
        b = call(a.base, a.token, "POST", "/Patient/$match", body)
        lat3.append((time.perf_counter() - t0) * 1000)
        ids = [e["resource"]["id"] for e in b.get("entry", [])]
        top1 += bool(ids) and truth.get(ids[0]) == truth[rid]
    print(f"match\trequests={len(lat3)}\tp50_ms={pct(lat3, .5):.1f}\tp95_ms={pct(lat3, .95):.1f}\tmax_ms={max(lat3):.1f}"
          f"\ttop1_is_their_person={top1 / len(lat3):.3f}")


ap = argparse.ArgumentParser()
ap.add_argument("what", choices=["load", "measure"])
ap.add_argument("--base", required=True)
ap.add_argument("--token", required=True)
ap.add_argument("--set", required=True)
ap.add_argument("--strangers")
ap.add_argument("--work", required=True)
ap.add_argument("--requests", type=int, default=300)
args = ap.parse_args()
load(args) if args.what == "load" else measure(args)
