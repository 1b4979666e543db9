#!/usr/bin/env python3
"""Pairwise accuracy of a linkage against a truth derived from ids.

evaluate.py --pairs pairs.csv --truth-regex '^rec-(\\d+)-' (--dedup records.csv | --link left.csv right.csv)
  [--candidates N] [--label NAME]

The truth label is read from each record id with the regex (FEBRL: the entity number in rec_id); the
matcher never saw it as a feature. Prints precision, recall and F1 for auto-link pairs alone and for
auto-link + review, and the share of records with a pair in review.
"""
import argparse, csv, re, itertools, collections, sys

ap = argparse.ArgumentParser()
ap.add_argument("--pairs", required=True)
ap.add_argument("--truth-regex", required=True)
ap.add_argument("--dedup")
ap.add_argument("--link", nargs=2)
ap.add_argument("--id-column", default="rec_id")
ap.add_argument("--label", default="")
a = ap.parse_args()
rx = re.compile(a.truth_regex)

def ids(path):
    with open(path, newline="", encoding="utf-8") as f:
        r = csv.DictReader(f, skipinitialspace=True)
        r.fieldnames = [c.strip() for c in r.fieldnames]
        return [row[a.id_column].strip() for row in r]

def entity(i):
    m = rx.search(i)
    return m.group(1) if m else None

truth = set()
records = 0
if a.dedup:
    all_ids = ids(a.dedup); records = len(all_ids)
    groups = collections.defaultdict(list)
    for i in all_ids: groups[entity(i)].append(i)
    for g in groups.values():
        for x, y in itertools.combinations(sorted(g), 2): truth.add((x, y))
else:
    left, right = ids(a.link[0]), ids(a.link[1]); records = len(left) + len(right)
    by = collections.defaultdict(list)
    for i in right: by[entity(i)].append(i)
    for i in left:
        for j in by.get(entity(i), []): truth.add((i, j))

def key(x, y):
    return tuple(sorted((x, y))) if a.dedup else (x, y)

auto, review = set(), set()
with open(a.pairs, newline="", encoding="utf-8") as f:
    for row in csv.DictReader(f):
        k = key(row["left_id"], row["right_id"])
        (auto if row["band"] == "auto-link" else review).add(k)

def prf(pred):
    tp = len(pred & truth); fp = len(pred - truth); fn = len(truth - pred)
    p = tp / (tp + fp) if tp + fp else 1.0; r = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return tp, fp, fn, p, r, f1

in_review = set()
for x, y in review: in_review.add(x); in_review.add(y)
for name, pred in (("auto-link", auto), ("auto-link+review", auto | review)):
    tp, fp, fn, p, r, f1 = prf(pred)
    print(f"{a.label}\t{name}\ttrue_pairs={len(truth)}\tpredicted={len(pred)}\ttp={tp}\tfp={fp}\tfn={fn}\tprecision={p:.5f}\trecall={r:.5f}\tf1={f1:.5f}")
print(f"{a.label}\treview\tpairs={len(review)}\trecords_in_review={len(in_review)}\tshare={len(in_review)/max(records,1):.4f}")
