#!/usr/bin/env python3
"""Accuracy of a deduplication of the francophone test set (see README.md next to this file).

python3 evaluate.py --dir DIR --pairs pairs.csv [--label NAME] [--markdown]

DIR holds records.csv, truth.csv, relations.csv and corruptions.csv as Generate.java writes them;
pairs.csv has the header left_id,right_id,probability,band (band auto-link or review; a pair in
either order counts once, auto-link winning if it appears in both bands).

Prints tab-separated lines, each starting with the label and a section name:
  pairs       for auto-link and for auto-link+review: true pairs, predicted, tp, fp, fn, precision,
              recall, F1
  review      pairs in review and the share of records that appear in a review pair
  false-merge per relation kind (twin, parent-child, household, and co-resident when the set was
              generated with --co-residents): predicted pairs that relations.csv lists (different
              persons that look alike), for each band, and the share of the kind; "all" splits the
              false positives into listed ones and the others
  recall      per corruption kind: the true pairs that involve a record with that kind, and the
              share found; "none" is the pairs between records without any corruption
  country     recall and false positives per country of the person (the prefix of truth.csv's person)
With --markdown, the same figures as Markdown tables after the lines.
"""
import argparse
import collections
import csv
import itertools
import os
import sys

ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
ap.add_argument("--dir", required=True, help="directory of the generated set")
ap.add_argument("--pairs", required=True, help="left_id,right_id,probability,band")
ap.add_argument("--label", default="", help="first column of every line (e.g. the matcher's name)")
ap.add_argument("--markdown", action="store_true", help="also print Markdown tables")
a = ap.parse_args()
label = a.label or os.path.basename(os.path.normpath(a.dir))


def rows(name):
    with open(os.path.join(a.dir, name), newline="", encoding="utf-8") as f:
        yield from csv.DictReader(f)


def key(x, y):
    return (x, y) if x < y else (y, x)


person = {r["id"]: r["person"] for r in rows("truth.csv")}
records = len(person)
kinds_of = {}
for r in rows("corruptions.csv"):
    kinds_of[r["id"]] = [k for k in r["kinds"].split(";") if k]
relation = {}
relation_count = collections.Counter()
for r in rows("relations.csv"):
    relation[key(r["id1"], r["id2"])] = r["kind"]
    relation_count[r["kind"]] += 1

groups = collections.defaultdict(list)
for i, p in person.items():
    groups[p].append(i)
truth = set()
for ids in groups.values():
    for x, y in itertools.combinations(sorted(ids), 2):
        truth.add((x, y))

auto, review = set(), set()
unknown = 0
with open(a.pairs, newline="", encoding="utf-8") as f:
    for r in csv.DictReader(f):
        x, y = r["left_id"].strip(), r["right_id"].strip()
        if x == y:
            continue
        if x not in person or y not in person:
            unknown += 1
            continue
        (auto if r["band"].strip() == "auto-link" else review).add(key(x, y))
review -= auto
if unknown:
    print(f"warning: {unknown} pairs name ids that are not in truth.csv (ignored)", file=sys.stderr)

bands = (("auto-link", auto), ("auto-link+review", auto | review))
out = []  # (section, name, {column: value}) for the Markdown tables


def emit(section, name, fields):
    out.append((section, name, fields))
    cols = "\t".join(f"{k}={v:.5f}" if isinstance(v, float) else f"{k}={v}" for k, v in fields.items())
    print(f"{label}\t{section}\t{name}\t{cols}")


def prf(pred, true):
    tp = len(pred & true)
    fp = len(pred - true)
    fn = len(true - pred)
    p = tp / (tp + fp) if tp + fp else 1.0
    rc = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * p * rc / (p + rc) if p + rc else 0.0
    return tp, fp, fn, p, rc, f1


for name, pred in bands:
    tp, fp, fn, p, rc, f1 = prf(pred, truth)
    emit("pairs", name, {"true_pairs": len(truth), "predicted": len(pred), "tp": tp, "fp": fp, "fn": fn,
                         "precision": p, "recall": rc, "f1": f1})

in_review = set()
for x, y in review:
    in_review.add(x)
    in_review.add(y)
emit("review", "review", {"pairs": len(review), "records_in_review": len(in_review),
                          "share": len(in_review) / max(records, 1)})

for kind in ["twin", "parent-child", "household"] + sorted(k for k in relation_count if k not in ("twin", "parent-child", "household")):
    fields = {"listed_pairs": relation_count[kind]}
    for name, pred in bands:
        n = sum(1 for k in pred if relation.get(k) == kind)
        fields[name] = n
        fields[name + "_share"] = n / relation_count[kind] if relation_count[kind] else 0.0
    emit("false-merge", kind, fields)
fields = {"listed_pairs": sum(relation_count.values())}
for name, pred in bands:
    fp = pred - truth
    listed = sum(1 for k in fp if k in relation)
    fields[name] = listed
    fields[name + "_other_fp"] = len(fp) - listed
emit("false-merge", "all", fields)

kind_pairs = collections.defaultdict(set)
for x, y in truth:
    kx, ky = kinds_of.get(x, []), kinds_of.get(y, [])
    if not kx and not ky:
        kind_pairs["none"].add((x, y))
    for k in set(kx) | set(ky):
        kind_pairs[k].add((x, y))
order = ["none", "typo", "name-order-swapped", "compound-split", "particle", "transliteration", "arabic-script",
         "accents-case", "day-name", "nickname-or-second-given-name", "birth-year-only", "day-month-swap",
         "date-typo", "phone-changed", "phone-missing", "id-missing", "id-typo", "city-moved"]
order += sorted(k for k in kind_pairs if k not in order)
for k in order:
    true_k = kind_pairs.get(k, set())
    fields = {"true_pairs": len(true_k)}
    for name, pred in bands:
        found = len(true_k & pred)
        fields[name] = found
        fields[name + "_recall"] = found / len(true_k) if true_k else 0.0
    emit("recall", k, fields)

countries = sorted({p.split("-")[0] for p in person.values()})
if len(countries) > 1 and all("-" in p for p in person.values()):
    for c in countries:
        true_c = {k for k in truth if person[k[0]].startswith(c + "-")}
        fields = {"true_pairs": len(true_c)}
        for name, pred in bands:
            fields[name + "_recall"] = len(true_c & pred) / len(true_c) if true_c else 0.0
            fields[name + "_fp"] = sum(1 for k in pred - truth
                                       if person[k[0]].startswith(c + "-") or person[k[1]].startswith(c + "-"))
        emit("country", c, fields)

if a.markdown:
    print()
    sections = []
    for s, _, _ in out:
        if s not in sections:
            sections.append(s)
    for s in sections:
        lines = [(n, f) for sec, n, f in out if sec == s]
        cols = list(lines[0][1].keys())
        print(f"**{s}** ({label})\n")
        print("| " + " | ".join([s] + cols) + " |")
        print("|" + "---|" * (len(cols) + 1))
        for n, f in lines:
            vals = [f"{f.get(c, ''):.4f}" if isinstance(f.get(c), float) else f"{f.get(c, '')}" for c in cols]
            print("| " + " | ".join([n] + vals) + " |")
        print()
