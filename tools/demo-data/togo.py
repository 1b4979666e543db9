#!/usr/bin/env python3
"""Builds Lafia's compact Togo demo geography (src/main/resources/demo/tg/geography.json) from
../shared/data/togo: OCHA COD-AB v02 boundaries (regions, prefectures), INSEED RGPH-5 populations,
and the WHO/KEMRI list of public health facilities. Run from the repository root:

    python3 tools/demo-data/togo.py ../shared/data/togo

Deterministic (same input, same bytes). Boundaries are simplified (Douglas-Peucker, 0.002 degrees,
about 200 m) and rounded to 4 decimals (about 11 m): the demo map needs outlines, not surveys.
The census counts 39 prefectures; COD-AB v02 has 40 units, "Lome Commune" apart from Golfe. The
census's Golfe includes Lome, so Golfe's outline here is both units (a MultiPolygon). COD-AB's
"Plaine du Mo" is the census's Mô and "Naki-Ouest" its Kpendjal-Ouest.
"""
import csv, json, sys, unicodedata, os

SRC = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/togo"
OUT = "src/main/resources/demo/tg/geography.json"
TOL = 0.002

def norm(s):
    s = unicodedata.normalize("NFD", s)
    return "".join(c for c in s if unicodedata.category(c) != "Mn").lower().replace(" ", "-")

ALIAS = {"plaine-du-mo": "mo", "naki-ouest": "kpendjal-ouest", "lome-commune": "golfe", "tandjoare": "tandjoare"}

def dp(points, tol):
    if len(points) < 3: return points
    (x1, y1), (x2, y2) = points[0], points[-1]
    dmax, idx = -1.0, 0
    dx, dy = x2 - x1, y2 - y1
    n2 = dx * dx + dy * dy
    for i in range(1, len(points) - 1):
        px, py = points[i]
        if n2 == 0: d = ((px - x1) ** 2 + (py - y1) ** 2) ** 0.5
        else: d = abs(dy * px - dx * py + x2 * y1 - y2 * x1) / n2 ** 0.5
        if d > dmax: dmax, idx = d, i
    if dmax <= tol: return [points[0], points[-1]]
    return dp(points[: idx + 1], tol)[:-1] + dp(points[idx:], tol)

def ring(r):
    # A closed ring: simplify the open path from its first point back to it, keep at least a triangle.
    s = dp(r, TOL)
    if len(s) < 4:
        step = max(1, len(r) // 4)
        s = r[::step][:3] + [r[0]]
    pts = [[round(x, 4), round(y, 4)] for x, y in s]
    out = [p for i, p in enumerate(pts) if i == 0 or p != pts[i - 1]]
    if out[0] != out[-1]: out.append(out[0])
    return out

def polygons(geom):
    return [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]

def simplified(polys):
    out = []
    for p in polys:
        rings = [ring(r) for r in p]
        rings = [rings[0]] + [r for r in rings[1:] if len(r) >= 4]
        if len(rings[0]) >= 4: out.append(rings)
    return out[0] if len(out) == 1 else out, "Polygon" if len(out) == 1 else "MultiPolygon"

def geometry(polys):
    coords, kind = simplified(polys)
    return {"type": kind, "coordinates": coords}

adm1 = json.load(open(os.path.join(SRC, "boundaries/hdx-cod-ab-tgo_admin1.geojson")))["features"]
adm2 = json.load(open(os.path.join(SRC, "boundaries/hdx-cod-ab-tgo_admin2.geojson")))["features"]
pop = {norm(r["prefecture"]): r for r in csv.DictReader(open(os.path.join(SRC, "population/population_prefectures_rgph5_2022.csv"), encoding="utf-8"))}

districts = {}
for f in sorted(adm2, key=lambda f: f["properties"]["adm2_pcode"]):
    p = f["properties"]
    key = ALIAS.get(norm(p["adm2_name"]), norm(p["adm2_name"]))
    census = pop[key]
    d = districts.setdefault(key, {"pcode": p["adm2_pcode"], "name": census["prefecture"], "region": p["adm1_pcode"],
                                   "population": int(census["population_rgph5_2022"]), "polys": []})
    d["polys"] += polygons(f["geometry"])
    if key == "golfe" and p["adm2_name"] == "Golfe": d["pcode"] = p["adm2_pcode"]
assert len(districts) == 39, len(districts)
pcode_of = {}
for f in adm2:
    p = f["properties"]
    pcode_of[p["adm2_pcode"]] = districts[ALIAS.get(norm(p["adm2_name"]), norm(p["adm2_name"]))]["pcode"]

regions = []
for f in sorted(adm1, key=lambda f: f["properties"]["adm1_pcode"]):
    p = f["properties"]
    regions.append({"pcode": p["adm1_pcode"], "name": p["adm1_name"],
                    "population": sum(d["population"] for d in districts.values() if d["region"] == p["adm1_pcode"]),
                    "boundary": geometry(polygons(f["geometry"]))})
country_polys = [poly for f in sorted(adm1, key=lambda f: f["properties"]["adm1_pcode"]) for poly in polygons(f["geometry"])]

TYPES = {"Unité de Soins Périphérique": "USP", "Centre Médico-social": "CMS", "Centre Hospitalier Préfectoral": "CHP",
         "Centre Hospitalier Régional": "CHR", "Centre Hospitalier Universitaire": "CHU"}
rows = [r for r in csv.DictReader(open(os.path.join(SRC, "health_facilities/who_kemri_ssa_public_health_facilities_TGO.csv"), encoding="utf-8"))
        if r["lat"] and r["lon"] and r["hdx_adm2_pcode"]]
facilities, seq = [], {}
for r in sorted(rows, key=lambda r: (pcode_of[r["hdx_adm2_pcode"]], r["facility_name"], r["lat"], r["lon"])):
    district = pcode_of[r["hdx_adm2_pcode"]]
    seq[district] = seq.get(district, 0) + 1
    facilities.append({"code": f"{district}-{seq[district]:03d}", "name": r["facility_name"].strip(), "type": TYPES[r["facility_type"]],
                       "district": district, "lat": round(float(r["lat"]), 5), "lon": round(float(r["lon"]), 5)})

out = {
    "country": {"code": "TG", "name": "Togo", "population": sum(d["population"] for d in districts.values()),
                "boundary": geometry(country_polys)},
    "regions": regions,
    "districts": [{"pcode": d["pcode"], "name": d["name"], "region": d["region"], "population": d["population"],
                   "boundary": geometry(d["polys"])} for d in sorted(districts.values(), key=lambda d: d["pcode"])],
    "facilities": facilities,
}
with open(OUT, "w", encoding="utf-8") as fh:
    json.dump(out, fh, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    fh.write("\n")
print(f"{OUT}: {len(regions)} regions, {len(out['districts'])} districts, {len(facilities)} facilities, "
      f"population {out['country']['population']:,}, {os.path.getsize(OUT):,} bytes")
