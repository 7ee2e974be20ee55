"""Generate the DATA inventories of lca from the sourced reference tables.

Reads ../shared/reference/*.csv (relative to the repository root, or LCA_REFERENCE_DIR) and
writes, self-contained (every number with its source, an uncertainty, and a comment):

    inventories/flows/elementary.toml
    inventories/methods/{ipcc_ar6_gwp100, ipcc_ar5_gwp100, water_consumption,
                         aware_water_scarcity, ef3_human_toxicity_cancer,
                         ef3_human_toxicity_non_cancer, cml_ia_adp_elements,
                         cml_ia_adp_fossil}.toml
    inventories/electricity.toml
    inventories/datacenter.toml

Re-run:  python tools/gen_data.py      (idempotent; overwrites the files above)
"""

from __future__ import annotations

import csv
import math
import os
import statistics
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REF = Path(os.environ.get("LCA_REFERENCE_DIR", ROOT.parent / "shared" / "reference"))
INV = ROOT / "inventories"


# --------------------------------------------------------------------------- helpers


def read(name: str) -> list[dict[str, str]]:
    with open(REF / name, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def q(text: str) -> str:
    """A TOML basic string."""
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def num(x: float) -> str:
    if x == 0:
        return "0.0"
    if abs(x) >= 1e-3 and abs(x) < 1e7:
        s = f"{x:.6g}"
    else:
        s = f"{x:.6e}"
        mant, exp = s.split("e")
        mant = mant.rstrip("0").rstrip(".")
        s = f"{mant}e{int(exp)}"
    if "." not in s and "e" not in s:
        s += ".0"
    return s


def unc(d: dict) -> str:
    parts = []
    for k, v in d.items():
        if isinstance(v, str):
            parts.append(f"{k} = {q(v)}")
        elif isinstance(v, list):
            parts.append(f"{k} = [" + ", ".join(num(x) if isinstance(x, float) else str(x) for x in v) + "]")
        else:
            parts.append(f"{k} = {num(float(v))}")
    return "{ " + ", ".join(parts) + " }"


FIXED = {"distribution": "fixed"}


def spread(values: list[float], central: float) -> dict:
    """Triangular over the sources' range with the chosen central value as mode."""
    lo, hi = min(values + [central]), max(values + [central])
    if hi - lo <= 1e-12 * max(abs(hi), 1e-30):
        return {}
    return {"distribution": "triangular", "min": lo, "max": hi, "mode": central}


# Pedigree matrix (Weidema et al. 2013, ecoinvent v3 'version_1' factors), read from the table.
PED = {}
for row in read("pedigree_uncertainty_factors.csv"):
    if row["version"].startswith("expert (ecoinvent v2 / Weidema"):
        PED[(row["indicator"], int(row["score"]))] = float(row["variance_of_ln"])
BASIC = {r["exchange_class"]: float(r["variance_of_ln"]) for r in read("pedigree_basic_uncertainty.csv")}
PED_SRC = ("pedigree matrix, Weidema et al. 2013 ecoinvent v3 factors (brightway-lca/pedigree_matrix "
           "data.py version_1, commit b6818d1); sigma = sqrt(sum of variances of ln)")


def pedigree_sigma(scores: list[int], basic_class: str) -> float:
    names = ["reliability", "completeness", "temporal correlation", "geographical correlation",
             "further technological correlation"]
    var = BASIC[basic_class] + sum(PED[(n, s)] for n, s in zip(names, scores))
    return math.sqrt(var)


# --------------------------------------------------------------------------- flows

FLOWS: dict[str, dict] = {}


def flow(fid, name, compartment, unit, cas=None):
    FLOWS[fid] = {"name": name, "compartment": compartment, "unit": unit, "cas": cas}


flow("carbon_dioxide_fossil_air", "Carbon dioxide, fossil", "air", "kg", "124-38-9")
flow("carbon_dioxide_biogenic_air", "Carbon dioxide, biogenic (non-fossil)", "air", "kg", "124-38-9")
flow("methane_fossil_air", "Methane, fossil", "air", "kg", "74-82-8")
flow("methane_biogenic_air", "Methane, biogenic (non-fossil)", "air", "kg", "74-82-8")
flow("dinitrogen_monoxide_air", "Dinitrogen monoxide (N2O)", "air", "kg", "10024-97-2")
flow("sulfur_dioxide_air", "Sulfur dioxide", "air", "kg", "7446-09-5")
flow("nitrogen_oxides_air", "Nitrogen oxides (as NO2)", "air", "kg", "11104-93-1")
flow("particulates_pm2_5_air", "Particulates, < 2.5 um", "air", "kg")
flow("nitrogen_trifluoride_air", "Nitrogen trifluoride (NF3)", "air", "kg", "7783-54-2")
flow("tetrafluoromethane_air", "Tetrafluoromethane (CF4, PFC-14)", "air", "kg", "75-73-0")
flow("hexafluoroethane_air", "Hexafluoroethane (C2F6, PFC-116)", "air", "kg", "76-16-4")
flow("octafluoropropane_air", "Octafluoropropane (C3F8, PFC-218)", "air", "kg", "76-19-7")
flow("octafluorocyclobutane_air", "Octafluorocyclobutane (c-C4F8, PFC-318)", "air", "kg", "115-25-3")
flow("sulfur_hexafluoride_air", "Sulfur hexafluoride (SF6)", "air", "kg", "2551-62-4")
flow("trifluoromethane_air", "Trifluoromethane (CHF3, HFC-23)", "air", "kg", "75-46-7")
flow("difluoromethane_air", "Difluoromethane (CH2F2, HFC-32)", "air", "kg", "75-10-5")

METALS = {  # id stem: (name, CAS)
    "arsenic": ("Arsenic", "7440-38-2"),
    "cadmium": ("Cadmium", "7440-43-9"),
    "chromium_vi": ("Chromium VI", "18540-29-9"),
    "copper": ("Copper", "7440-50-8"),
    "lead": ("Lead", "7439-92-1"),
    "mercury": ("Mercury", "7439-97-6"),
    "nickel": ("Nickel", "7440-02-0"),
    "zinc": ("Zinc", "7440-66-6"),
    "antimony": ("Antimony", "7440-36-0"),
    "cobalt": ("Cobalt", "7440-48-4"),
}
for stem, (name, cas) in METALS.items():
    flow(f"{stem}_air", f"{name}, to air (unspecified)", "air", "kg", cas)
    flow(f"{stem}_water", f"{name}, to water (unspecified, freshwater)", "water", "kg", cas)
for stem in ("arsenic", "cadmium", "chromium_vi", "lead", "mercury", "nickel"):
    name, cas = METALS[stem]
    flow(f"{stem}_soil", f"{name}, to soil (unspecified)", "soil", "kg", cas)

RESOURCES = {  # flow id: CML-IA element name, CAS
    "copper_resource": ("Copper", "7440-50-8"), "gold_resource": ("Gold", "7440-57-5"),
    "silver_resource": ("Silver", "7440-22-4"), "tin_resource": ("Tin", "7440-31-5"),
    "tantalum_resource": ("Tantalum", "7440-25-7"), "cobalt_resource": ("Cobalt", "7440-48-4"),
    "lithium_resource": ("Lithium", "7439-93-2"), "palladium_resource": ("Palladium", "7440-05-3"),
    "platinum_resource": ("Platinum", "7440-06-4"), "aluminium_resource": ("Aluminium", "7429-90-5"),
    "silicon_resource": ("Silicon", "7440-21-3"), "antimony_resource": ("Antimony", "7440-36-0"),
    "nickel_resource": ("Nickel", "7440-02-0"), "zinc_resource": ("Zinc", "7440-66-6"),
    "lead_resource": ("Lead", "7439-92-1"), "indium_resource": ("Indium", "7440-74-6"),
    "gallium_resource": ("Gallium", "7440-55-3"), "iron_resource": ("Iron", "7439-89-6"),
    "chromium_resource": ("Chromium", "7440-47-3"), "molybdenum_resource": ("Molybdenum", "7439-98-7"),
    "manganese_resource": ("Manganese", "7439-96-5"), "cadmium_resource": ("Cadmium", "7440-43-9"),
    "tellurium_resource": ("Tellurium", "13494-80-9"), "magnesium_resource": ("Magnesium", "7439-95-4"),
    "boron_resource": ("Boron", "7440-42-8"), "zirconium_resource": ("Zirconium", "7440-67-7"),
    "niobium_resource": ("Niobium", "7440-03-1"), "rhenium_resource": ("Rhenium", "7440-15-5"),
    "phosphorus_resource": ("Phosphorus", "7723-14-0"), "uranium_resource": ("Uranium", "7440-61-1"),
    "germanium_resource": ("Germanium (unnamed flow in refdata)", "7440-56-4"),
}
for fid, (el, cas) in RESOURCES.items():
    label = el.split(" (")[0]
    extra = " (bauxite counted as its Al content)" if fid == "aluminium_resource" else ""
    flow(fid, f"{label}, in ground{extra}", "resource", "kg", cas)

flow("hard_coal_resource", "Coal, hard, unspecified, in ground", "resource", "kg")
flow("lignite_resource", "Coal, brown (lignite), in ground", "resource", "kg")
flow("natural_gas_resource", "Gas, natural, in ground", "resource", "m3")
flow("crude_oil_resource", "Oil, crude, in ground", "resource", "kg")
flow("fossil_energy_resource", "Energy, fossil, unspecified (primary, net calorific value)", "resource", "MJ")

# pre-characterized flows (published per-kWh multi-criteria factors)
flow("ghg_precharacterized_air", "Greenhouse gases, pre-characterized as GWP100", "air", "kg CO2-eq")
flow("adp_elements_precharacterized", "Abiotic resources (elements), pre-characterized as ADPe (ultimate reserves)",
     "resource", "kg Sb-eq")
flow("adp_fossil_precharacterized",
     "Abiotic resources (fossil energy carriers incl. uranium, EF 3.0 'Resource use, fossils' scope), "
     "pre-characterized in MJ (net calorific value)", "resource", "MJ")

# ---- AWARE locations
AWARE = {r["location_code"]: r for r in read("aware_cf.csv")}

# Electricity countries: iso2 -> (iso3, name, AWARE region used as proxy if no country CF)
COUNTRIES = {
    "us": ("USA", "United States", "RNA"), "cn": ("CHN", "China", "RAS"), "tw": ("TWN", "Taiwan", "RAS"),
    "fr": ("FRA", "France", "RER"), "de": ("DEU", "Germany", "RER"), "gb": ("GBR", "United Kingdom", "RER"),
    "se": ("SWE", "Sweden", "RER"), "no": ("NOR", "Norway", "RER"), "fi": ("FIN", "Finland", "RER"),
    "is": ("ISL", "Iceland", "RER"), "ie": ("IRL", "Ireland", "RER"), "nl": ("NLD", "Netherlands", "RER"),
    "be": ("BEL", "Belgium", "RER"), "ch": ("CHE", "Switzerland", "RER"), "dk": ("DNK", "Denmark", "RER"),
    "es": ("ESP", "Spain", "RER"), "it": ("ITA", "Italy", "RER"), "pl": ("POL", "Poland", "RER"),
    "ee": ("EST", "Estonia", "RER"), "at": ("AUT", "Austria", "RER"), "pt": ("PRT", "Portugal", "RER"),
    "jp": ("JPN", "Japan", "RAS"), "kr": ("KOR", "South Korea", "RAS"), "in": ("IND", "India", "RAS"),
    "sg": ("SGP", "Singapore", "RAS"), "id": ("IDN", "Indonesia", "RAS"), "my": ("MYS", "Malaysia", "RAS"),
    "th": ("THA", "Thailand", "RAS"), "sa": ("SAU", "Saudi Arabia", "RAS"), "il": ("ISR", "Israel", "RAS"),
    "ca": ("CAN", "Canada", "RNA"), "mx": ("MEX", "Mexico", "RoW"), "br": ("BRA", "Brazil", "RoW"),
    "cl": ("CHL", "Chile", "RoW"), "au": ("AUS", "Australia", "RoW"), "nz": ("NZL", "New Zealand", "RoW"),
    "za": ("ZAF", "South Africa", "RoW"),
}
REGION_NAMES = {"glo": "World", "row": "Rest of World", "rer": "Europe", "rna": "North America",
                "ras": "Asia"}
WATER_LOCS = ["glo", "row", "rer", "rna", "ras"] + list(COUNTRIES)
for loc in WATER_LOCS:
    nm = REGION_NAMES.get(loc) or COUNTRIES[loc][1]
    flow(f"water_consumed_{loc}", f"Water, consumed (evaporated or incorporated), {nm}", "resource", "m3")


def write_flows():
    out = ['# Elementary flows of lca: every exchange with nature used by inventories/ and the methods.',
           '# Generated by tools/gen_data.py from ../shared/reference (re-run to regenerate).',
           '# Id convention: <substance>_<compartment> in snake_case: *_air, *_water (freshwater /',
           '# unspecified), *_soil, *_resource (in ground); water_consumed_<iso2 or region> (m3 of',
           '# freshwater consumed in that location: the location selects the AWARE factor);',
           '# *_precharacterized flows are measured in a category unit (kg CO2-eq, kg Sb-eq, MJ) and',
           '# carry published per-kWh factors (Ember/OWID, ADEME Base IMPACTS) with a factor of 1.',
           '', '[meta]', 'title = "Elementary flows"',
           'description = "Emissions to air, water and soil; resources in ground; water consumption per location; pre-characterized flows."',
           '']
    for fid, f in FLOWS.items():
        out.append(f"[flows.{fid}]")
        out.append(f"name = {q(f['name'])}")
        out.append(f"compartment = {q(f['compartment'])}")
        out.append(f"unit = {q(f['unit'])}")
        if f["cas"]:
            out.append(f"cas = {q(f['cas'])}")
        out.append("")
    (INV / "flows" / "elementary.toml").write_text("\n".join(out))


# --------------------------------------------------------------------------- methods


def method_file(mid, category, name, unit, source, header, factors):
    out = [f"# {line}" if line else "#" for line in header]
    out += ['# Generated by tools/gen_data.py from ../shared/reference (re-run to regenerate).', '',
            'include = ["../flows/elementary.toml"]', '', '[method]', f"id = {q(mid)}",
            f"category = {q(category)}", f"name = {q(name)}", f"unit = {q(unit)}", f"source = {q(source)}", '']
    for f in factors:
        assert f["flow"] in FLOWS, f["flow"]
        for c in f.get("comments", []):
            out.append(f"# {c}")
        out.append("[[factors]]")
        out.append(f"flow = {q(f['flow'])}")
        out.append(f"value = {num(f['value'])}")
        out.append(f"unit = {q(f['unit'])}")
        out.append(f"source = {q(f['source'])}")
        out.append(f"uncertainty = {unc(f['uncertainty'])}")
        out.append("")
    (INV / "methods" / f"{mid}.toml").write_text("\n".join(out))


GWP = read("gwp100.csv")


def gwp(flow_label, metric):
    rows = [r for r in GWP if r["flow"] == flow_label and r["metric"] == metric]
    assert len(rows) == 1, (flow_label, metric, rows)
    return float(rows[0]["value"]), rows[0]["source"]


def lognormal_from_range(value, half_range):
    """AR6/AR5 give +- ranges as 5-95 % intervals: sigma of ln from the upper bound."""
    return {"distribution": "lognormal", "sigma": round(math.log(1 + half_range / value) / 1.645, 4)}


def write_gwp():
    # AR6 Table 7.15 gives 5-95 % ranges for a few gases; fab gases get the relative range of
    # PFC-14 (very long-lived, radiatively similar); see comments in the file.
    AR6_RANGE_SRC = "IPCC AR6 WG1 Ch.7 Table 7.15 (5-95 % range)"
    fab_rel = 2430 / 7380  # PFC-14 7380 +- 2430 (AR6 Table 7.15)
    specs = [  # flow id, gas label in gwp100.csv (AR6), AR6 range, label (AR5)
        ("carbon_dioxide_fossil_air", "CO2", None, "CO2"),
        ("methane_fossil_air", "CH4, fossil", 11.0, "CH4, fossil"),
        ("methane_biogenic_air", "CH4, non-fossil (biogenic)", 11.0, "CH4 (undifferentiated)"),
        ("dinitrogen_monoxide_air", "N2O", 130.0, "N2O"),
        ("sulfur_hexafluoride_air", "SF6", "fab", "SF6"),
        ("nitrogen_trifluoride_air", "NF3", "fab", "NF3"),
        ("tetrafluoromethane_air", "CF4 (PFC-14)", 2430.0, "CF4 (PFC-14)"),
        ("hexafluoroethane_air", "C2F6 (PFC-116)", "fab", "C2F6 (PFC-116)"),
        ("octafluoropropane_air", "C3F8 (PFC-218)", "fab", "C3F8 (PFC-218)"),
        ("octafluorocyclobutane_air", "c-C4F8 (PFC-318)", "fab", "c-C4F8 (PFC-318)"),
        ("trifluoromethane_air", "CHF3 (HFC-23)", "fab", "CHF3 (HFC-23)"),
        ("difluoromethane_air", "CH2F2 (HFC-32)", 292.0, "CH2F2 (HFC-32)"),
    ]
    for version in ("ar6", "ar5"):
        factors = []
        for fid, label6, rng, label5 in specs:
            comments = []
            if version == "ar6":
                if label6.startswith("CH4,") :
                    metric = "AR6 GWP100 Table 7.15, fossil" if "fossil" == label6.split(", ")[1] else "AR6 GWP100 Table 7.15, non-fossil"
                else:
                    metric = "AR6 GWP100 (Table 7.SM.7)"
                value, src = gwp(label6, metric)
                if rng is None:
                    u = FIXED
                    comments.append("CO2 is the reference gas: exact by definition.")
                elif rng == "fab":
                    u = lognormal_from_range(value, value * fab_rel)
                    comments.append(f"AR6 gives no range for this gas in Table 7.15; we apply the relative 5-95 % range of PFC-14 "
                                    f"(7380 +- 2430, {AR6_RANGE_SRC}) to this long-lived fluorinated gas: lognormal sigma=ln(1+0.329)/1.645.")
                    src += f"; uncertainty: relative range of PFC-14 from {AR6_RANGE_SRC}"
                else:
                    u = lognormal_from_range(value, rng)
                    comments.append(f"{value:g} +- {rng:g} (5-95 %), {AR6_RANGE_SRC}; lognormal sigma = ln(1 + range/value)/1.645 (upper bound, avoids negative samples).")
                    src += f"; uncertainty +-{rng:g} from {AR6_RANGE_SRC}"
            else:
                if fid == "methane_fossil_air":
                    value, src = gwp("CH4, fossil", "AR5 GWP100 (no cc feedback), fossil")
                    comments.append("AR5 Table 8.A.1 fossil methane (incl. CO2 from oxidation): 30; 28 for non-fossil.")
                else:
                    value, src = gwp(label5, "AR5 GWP100 (no climate-carbon feedback)")
                if rng is None:
                    u = FIXED
                else:
                    # AR5 WG1 Ch.8 Sec. 8.7.1.4: GWP100 uncertainty (5-95 %) about +-40 % for CH4,
                    # and about +-35 % (relative) for long-lived gases incl. N2O and halocarbons.
                    rel = 0.40 if fid.startswith("methane") else 0.35
                    u = {"distribution": "lognormal", "sigma": round(math.log(1 + rel) / 1.645, 4)}
                    comments.append(f"Uncertainty: AR5 WG1 Ch.8 Sec. 8.7.1.4 gives about +-{int(rel*100)} % (5-95 %) for GWP100 of this class of gas "
                                    "(recalled from the report text; verify); lognormal sigma = ln(1+rel)/1.645. "
                                    "Values without climate-carbon feedback, as in the GHG Protocol / UNFCCC use.")
                    src += f"; uncertainty: IPCC AR5 WG1 Ch.8 Sec. 8.7.1.4 (about +-{int(rel*100)} %, 5-95 %)"
            factors.append({"flow": fid, "value": value, "unit": "kg CO2-eq/kg", "source": src,
                            "uncertainty": u, "comments": comments})
        factors.append({"flow": "carbon_dioxide_biogenic_air", "value": 0.0, "unit": "kg CO2-eq/kg",
                        "source": "Convention: biogenic CO2 is carbon-neutral over the cycle (EF 3.0 'Climate change' implementation, openLCA refdata lcia_factors/3bc1c.csv: CO2 biogenic CF 0; GreenDelta/data commit 014426d)",
                        "uncertainty": FIXED,
                        "comments": ["Biogenic CO2: 0 by the carbon-neutrality convention (uptake not modelled)."]})
        factors.append({"flow": "ghg_precharacterized_air", "value": 1.0, "unit": "kg CO2-eq/kg CO2-eq",
                        "source": "lca file format: pre-characterized flow (docs/file-format.md)",
                        "uncertainty": FIXED,
                        "comments": ["Pre-characterized GHG flow (published kg CO2-eq); NOTE: its numbers carry the GWP set of their publisher (mostly AR5/AR6 mix)."]})
        if version == "ar6":
            method_file("ipcc_ar6_gwp100", "climate_change", "Climate change, GWP100 (IPCC AR6)", "kg CO2-eq",
                        "IPCC AR6 WG1 Chapter 7 (2021), Table 7.SM.7 (GWP100) and Table 7.15 (fossil/non-fossil CH4, ranges)",
                        ["IPCC AR6 GWP100 (Forster et al. 2021, WG1 Ch.7): CO2 1, CH4 fossil 29.8, CH4 non-fossil 27.0,",
                         "N2O 273, fab gases from Table 7.SM.7. Values read from ../shared/reference/gwp100.csv",
                         "(openclimatedata/globalwarmingpotentials, commit fc4e6f4; CH4 split from Table 7.15)."], factors)
        else:
            method_file("ipcc_ar5_gwp100", "climate_change", "Climate change, GWP100 (IPCC AR5, no climate-carbon feedback)",
                        "kg CO2-eq", "IPCC AR5 WG1 Chapter 8 (2013), Table 8.A.1 (as in GHG Protocol GWP table, Feb 2016)",
                        ["IPCC AR5 GWP100 without climate-carbon feedback (as used by UNFCCC/GHG Protocol 2016).",
                         "CH4 fossil 30 (Table 8.A.1, incl. oxidation to CO2), non-fossil 28. Values read from",
                         "../shared/reference/gwp100.csv."], factors)


def write_water():
    factors = []
    for loc in WATER_LOCS:
        factors.append({"flow": f"water_consumed_{loc}", "value": 1.0, "unit": "m3/m3",
                        "source": "Inventory indicator: freshwater consumption (ISO 14046 volumetric, unweighted)",
                        "uncertainty": FIXED})
    method_file("water_consumption", "water_consumption", "Water consumption (volumetric)", "m3",
                "ISO 14046:2014 water consumption inventory; every water_consumed_* flow counts 1 m3/m3",
                ["Volumetric freshwater consumption: every water_consumed_<location> flow with factor 1."], factors)

    factors = []
    proxy_members = {  # AWARE region -> country codes of the reference table inside it (for the spread)
        "RER": ["DE", "EE", "FI", "FR", "GB", "ES", "CH", "DK", "NL", "NO", "SE", "PL", "IE"],
        "RAS": ["CN", "IN", "TW", "SG", "SA", "IL"],
        "RNA": ["US", "CA"],
        "RoW": [k for k in AWARE if len(k) == 2],
    }
    for loc in WATER_LOCS:
        code = {"glo": "GLO", "row": "RoW", "rer": "RER", "rna": "RNA", "ras": "RAS"}.get(loc, loc.upper())
        comments = []
        if code in AWARE:
            r = AWARE[code]
            value, src = float(r["value"]), f"{r['source']}; {r['note']}"
            u = FIXED
            comments.append(f"{r['location']}: AWARE annual 'unspecified' CF {value}. AWARE publishes no per-country "
                            "uncertainty: fixed (intra-country watershed/monthly variability not represented).")
        else:
            region = COUNTRIES[loc][2]
            r = AWARE[region]
            value = float(r["value"])
            members = [float(AWARE[c]["value"]) for c in proxy_members[region]]
            u = {"distribution": "triangular", "min": min(members), "max": max(members), "mode": value}
            src = (f"PROXY: AWARE regional CF of {region} ({r['location']}) = {value} used for {COUNTRIES[loc][1]} (no country CF in "
                   f"the reference table); {r['source']}; spread = range of the table's country CFs inside {region}")
            comments.append(f"{COUNTRIES[loc][1]}: no AWARE country CF in ../shared/reference; regional proxy {region} "
                            f"with a triangular over the {region} countries' CFs [{min(members)}, {max(members)}].")
        factors.append({"flow": f"water_consumed_{loc}", "value": value, "unit": "m3 world-eq/m3",
                        "source": src, "uncertainty": u, "comments": comments})
    method_file("aware_water_scarcity", "water_scarcity", "Water scarcity, AWARE (user deprivation potential)",
                "m3 world-eq", "Boulay et al. 2018 (AWARE), country annual CFs as implemented in openLCA refdata (EF 3.0)",
                ["AWARE 1.2 (Boulay et al. 2018, Int J LCA 23:368) annual, 'unspecified' use, country CFs as in the",
                 "EF 3.0 implementation (openLCA refdata lcia_factors/2e0e4.csv). Where the reference table has no",
                 "country CF, the AWARE regional CF (RER/RAS/RNA/RoW) is used as proxy, with a triangular spread over",
                 "the country CFs of that region (stated per row)."], factors)


def write_tox():
    rows = read("human_toxicity_ef30_ctuh.csv")
    # compartment choice: 'unspecified' sub-compartments for all three media (the emission site's
    # population density of fabs, mines and power plants is not known in a generic model).
    comp = {"air": "Emission to air/unspecified", "water": "Emission to water/unspecified",
            "soil": "Emission to soil/unspecified"}
    names = {"arsenic": "Arsenic", "cadmium": "Cadmium", "chromium_vi": "Chromium VI", "lead": "Lead",
             "mercury": "Mercury", "nickel": "Nickel"}
    # USEtox: human-toxicity CFs uncertain by a factor 100-1000 (Rosenbaum et al. 2008, Int J LCA
    # 13:532). We read 'factor 100' as the 95 % interval half-width: gsd**2 = 100, gsd = 10.
    tox_u = {"distribution": "lognormal", "gsd": 10.0}
    tox_usrc = ("uncertainty: USEtox human-toxicity CFs are uncertain within a factor 100-1000 (Rosenbaum et al. 2008, "
                "Int J LCA 13:532-546); lognormal gsd 10 (95 % interval = x/÷ 100)")
    for cat, label, mid, title in [("human_toxicity_cancer", "Human toxicity, cancer", "ef3_human_toxicity_cancer",
                                    "Human toxicity, cancer (EF 3.0, USEtox 2.1)"),
                                   ("human_toxicity_non_cancer", "Human toxicity, non-cancer",
                                    "ef3_human_toxicity_non_cancer", "Human toxicity, non-cancer (EF 3.0, USEtox 2.1)")]:
        factors = []
        for stem, sub in names.items():
            for medium, c in comp.items():
                hit = [r for r in rows if r["substance"] == sub and r["compartment"] == c and r["category"] == label]
                assert len(hit) == 1, (sub, c, label)
                r = hit[0]
                factors.append({"flow": f"{stem}_{medium}", "value": float(r["value"]), "unit": "CTUh/kg",
                                "source": f"{r['source']}; {c}; {tox_usrc}", "uncertainty": tox_u,
                                "comments": [f"{sub}, {c}: {r['value']} CTUh/kg ({label})."]})
        method_file(mid, cat, title, "CTUh",
                    "EC-JRC EF 3.0 (USEtox 2.1-based), as implemented in openLCA refdata (GreenDelta/data commit 014426d)",
                    ["EF 3.0 human toxicity CFs (USEtox 2.1 with EF adaptations) for metals.",
                     "Compartment choice: the EF 'unspecified' sub-compartment for air, water and soil throughout",
                     "(for air it lies between 'high' and 'low population density'; water 'unspecified' = freshwater).",
                     "Copper, zinc, antimony and cobalt flows exist in elementary.toml but have no factor here: the",
                     "reference table does not hold their EF 3.0 CFs (to be added; their impacts are currently 0).",
                     "Uncertainty: lognormal gsd 10 on every factor (Rosenbaum et al. 2008: factor 100-1000)."], factors)


def write_adp():
    rows = {r["element"]: r for r in read("adp_elements_cml_ia.csv")}
    factors = []
    for fid, (el, _cas) in RESOURCES.items():
        r = rows[el]
        comments = [f"{el}: {r['value']} kg Sb-eq/kg (CML-IA, ultimate reserves). Fixed: CML-IA publishes no CF uncertainty "
                    "(the reserve estimates are uncertain, but the CF is a definitional convention)."]
        if r["note"]:
            comments.append(f"Note from the reference table: {r['note']}")
        factors.append({"flow": fid, "value": float(r["value"]), "unit": "kg Sb-eq/kg", "source": r["source"] + (f"; {r['note']}" if r['note'] else ""),
                        "uncertainty": FIXED, "comments": comments})
    factors.append({"flow": "adp_elements_precharacterized", "value": 1.0, "unit": "kg Sb-eq/kg Sb-eq",
                    "source": "lca file format: pre-characterized flow (docs/file-format.md)", "uncertainty": FIXED,
                    "comments": ["Pre-characterized ADPe (published kg Sb-eq, e.g. ADEME Base IMPACTS per-kWh factors)."]})
    method_file("cml_ia_adp_elements", "abiotic_depletion_elements", "Abiotic depletion, elements (CML-IA, ultimate reserves)",
                "kg Sb-eq", "CML-IA baseline (van Oers et al. 2002; Guinee et al. 2002), ADP elements, ultimate reserves",
                ["CML-IA ADP elements, ultimate reserves (van Oers et al. 2002), as in openLCA refdata (identical in",
                 "EF 3.0 'Resource use, minerals and metals'). Uranium is characterized here as an element (CML-IA)."], factors)

    rows = {r["flow"].strip(): r for r in read("adp_fossil_cml_ia.csv")}
    spec = [("hard_coal_resource", "Coal, hard, unspecified, in ground", "kg", "The CML-IA list also has 'Coal, 29.3 MJ per kg'; 18.16 MJ/kg is the CF of the unspecified hard-coal flow (a mix of coal qualities)."),
            ("lignite_resource", "Coal, brown, in ground", "kg", ""),
            ("natural_gas_resource", "Gas, natural, in ground", "m3", "CML-IA also lists 'Gas, natural, 36.6 MJ per m3'; the in-ground flow is 34.5 MJ/m3."),
            ("crude_oil_resource", "Oil, crude, in ground", "kg", "CML-IA also lists 'Oil, crude, 42 MJ per kg'; the in-ground flow is 43.2 MJ/kg."),
            ("fossil_energy_resource", "Energy, unspecified (fossil)", "MJ", "Primary fossil energy already in MJ: CF 1.")]
    factors = []
    for fid, label, unit, note in spec:
        r = rows[label]
        factors.append({"flow": fid, "value": float(r["value"]), "unit": f"MJ/{unit}", "source": r["source"],
                        "uncertainty": FIXED,
                        "comments": [f"{label}: {r['value']} {r['unit']} (CF = net calorific value of the flow; fixed by definition). {note}".strip()]})
    factors.append({"flow": "adp_fossil_precharacterized", "value": 1.0, "unit": "MJ/MJ",
                    "source": "lca file format: pre-characterized flow (docs/file-format.md)", "uncertainty": FIXED,
                    "comments": ["Pre-characterized ADPf (published MJ, e.g. ADEME Base IMPACTS per-kWh 'adpf'). CAUTION: those values follow",
                                 "the EF 3.0 'Resource use, fossils' scope, which counts uranium (nuclear) as an energy carrier; CML-IA",
                                 "baseline does not (uranium is in ADP elements). Kept as published: see inventories/electricity.toml."]})
    method_file("cml_ia_adp_fossil", "abiotic_depletion_fossil", "Abiotic depletion, fossil fuels (CML-IA)", "MJ",
                "CML-IA baseline 'Abiotic depletion (fossil fuels)' (van Oers et al. 2002), as in openLCA refdata lcia_factors/a30f3.csv",
                ["CML-IA ADP fossil fuels: CF = net calorific value (MJ per unit of the resource).",
                 "uranium_resource has no factor here (CML-IA counts it in ADP elements)."], factors)


# --------------------------------------------------------------------------- electricity

ECO = {r["zone"]: r for r in read("ecologits_electricity_mixes.csv")}
ECO_SRC = ("EcoLogits electricity_mixes.csv (genai-impact/ecologits commit 2d0a1c76; GWP from Our World in Data / Ember "
           "life-cycle intensity, ~2024)")
CC = {r["iso3"]: r for r in read("codecarbon_global_energy_mix.csv")}
CC_SRC = "CodeCarbon global_energy_mix.json (mlco2/codecarbon commit b05965e4; Our World in Data / Ember, life-cycle)"
CT = {r["iso3"]: r for r in read("carbontracker_country_carbon_intensity.csv")}
BOA: dict[tuple[str, str], dict] = {}
for r in read("boavizta_electricity_factors_per_kWh.csv"):
    BOA[(r["iso3"], r["criterion"])] = r
BOA_SRC = "Boavizta boaviztapi factors.yml (commit 15878f04)"
GA = {r["location"]: r for r in read("green_algorithms_carbon_intensity.csv")}
GA_SRC = ("Green Algorithms CI_aggregated.csv v3.0 (GreenAlgorithms/green-algorithms-tool commit 30df2fee); "
          "operational/direct combustion")
EIT = {r["zone"]: r for r in read("experiment_impact_tracker_zone_carbon_intensity.csv")}
EIT_SRC = ("experiment-impact-tracker co2eq_parameters.json (Breakend commit c1b0fcb4): electricityMap 2019 zone "
           "averages, life-cycle")
USST = {r["region_code"]: r for r in read("codecarbon_usa_state_emissions.csv")}
USST_SRC = ("CodeCarbon usa_emissions.json (mlco2/codecarbon commit b05965e4; US EPA eGRID 2016 state output emission "
            "rates, direct combustion)")
NORDIC = {r["zone"]: r for r in read("codecarbon_nordic_zone_emissions.csv")}
NORDIC_SRC = "CodeCarbon nordic_emissions.json (mlco2/codecarbon commit b05965e4)"
EWIF = {r["eia_fueltype"]: float(r["EWIF_L_per_kWh"]) for r in read("li2023_ewif_by_fuel.csv")}
EWIF_SRC = ("Li et al. 2023 'Making AI Less Thirsty' EWIF by fuel (Ren-Research/Making-AI-Less-Thirsty commit d0014def, "
            "from Macknick et al. 2012)")
MACKNICK = {r["source_or_location"]: float(r["value"]) for r in read("electricity_water_intensity.csv")}
HYDRO_EVAP = MACKNICK["tech:hydropower (reservoir evaporation)"]


def mix_water(iso3):
    """L/kWh from the generation mix (CodeCarbon/OWID) x EWIF by fuel (Li et al. 2023).

    Returns (excl. hydro reservoir evaporation, incl. it with Macknick et al. 2012 median)."""
    r = CC[iso3]
    tot = float(r["total_TWh"])
    share = lambda k: float(r[k]) / tot  # noqa: E731
    base = (share("coal_TWh") * EWIF["COL"] + share("gas_TWh") * EWIF["NG"] + share("oil_TWh") * EWIF["OIL"]
            + share("nuclear_TWh") * EWIF["NUC"] + (share("biofuel_TWh") + share("other_renewable_TWh")) * EWIF["OTH"])
    return base, base + share("hydroelectricity_TWh") * HYDRO_EVAP


REGIONS: list[dict] = []  # filled below


def add_country(code, iso3, name, water_loc):
    lc = []  # (value kg/kWh, source)
    if iso3 in ECO:
        lc.append((float(ECO[iso3]["gwp_kgCO2eq_per_kWh"]), ECO_SRC))
    if iso3 in CC:
        lc.append((float(CC[iso3]["carbon_intensity_gCO2e_per_kWh"]) / 1000, f"{CC_SRC}, year {CC[iso3]['year']}"))
    if iso3 in CT and (iso3 not in CC or abs(float(CT[iso3]["gCO2_per_kWh"]) - float(CC[iso3]["carbon_intensity_gCO2e_per_kWh"])) > 0.5):
        lc.append((float(CT[iso3]["gCO2_per_kWh"]) / 1000, f"Carbontracker carbon-intensities.csv (lfwa/carbontracker commit 8beb2b9d; OWID), year {CT[iso3]['year']}"))
    b = BOA.get((iso3, "gwp"))
    if b and iso3 != "WOR":
        lc.append((float(b["value_per_kWh"]), f"{BOA_SRC}: gwp {b['reference_year']} from {b['original_source']}"))
    eit_key = {"WOR": None}.get(iso3, code.upper())
    if eit_key and eit_key in EIT:
        lc.append((float(EIT[eit_key]["carbonIntensity_gCO2e_per_kWh"]) / 1000, EIT_SRC))
    direct = []
    ga_key = "WORLD" if code == "glo" else code.upper()
    if ga_key in GA:
        direct.append((float(GA[ga_key]["carbonIntensity"]) / 1000, f"{GA_SRC}; underlying: {GA[ga_key]['source']}"))
    REGIONS.append({"code": code, "name": name, "location": "GLO" if code == "glo" else code.upper(), "iso3": iso3,
                    "lc": lc, "direct": direct, "water_loc": water_loc, "national": iso3})


add_country("glo", "WOR", "World average", "glo")
for code, (iso3, name, _reg) in COUNTRIES.items():
    add_country(code, iso3, name, code)

US_STATES = {  # state: (name, electricityMap 2019 zone (life-cycle) of the balancing area serving most of it)
    "ia": ("Iowa", "US-MISO"), "ok": ("Oklahoma", "US-SPP"), "va": ("Virginia", "US-PJM"),
    "or": ("Oregon", "US-OR"), "tx": ("Texas", "US-TX"), "ca": ("California", "US-CA"),
    "wa": ("Washington", "US-BPA"), "ga": ("Georgia", None), "nv": ("Nevada", "US-NV"),
    "az": ("Arizona", "US-SVERI"), "oh": ("Ohio", "US-PJM"), "il": ("Illinois", "US-PJM"),
    "ny": ("New York", "US-NY"), "sc": ("South Carolina", "US-SC"), "ut": ("Utah", "US-UT"),
}
for st, (name, zone) in US_STATES.items():
    lc, direct = [], []
    if zone:
        lc.append((float(EIT[zone]["carbonIntensity_gCO2e_per_kWh"]) / 1000, f"{EIT_SRC}, zone {zone}"))
    key = f"US-{st.upper()}"
    if key in GA:
        direct.append((float(GA[key]["carbonIntensity"]) / 1000, f"{GA_SRC}; underlying: {GA[key]['source']}"))
    direct.append((float(USST[st.upper()]["gCO2e_per_kWh_converted"]) / 1000, USST_SRC))
    REGIONS.append({"code": f"us_{st}", "name": f"{name} (US state)", "location": key, "iso3": None, "lc": lc,
                    "direct": direct, "water_loc": "us", "national": "USA", "zone": zone})

GCI = {r["location_or_tech"]: r for r in read("grid_carbon_intensity.csv")}
lc = [(float(EIT["CA-QC"]["carbonIntensity_gCO2e_per_kWh"]) / 1000, f"{EIT_SRC}, zone CA-QC"),
      (float(GCI["aws:ca-central-1"]["value"]), f"{GCI['aws:ca-central-1']['source']} (AWS ca-central-1, Montreal; "
       f"{GCI['aws:ca-central-1']['scope']}, {GCI['aws:ca-central-1']['year']})")]
REGIONS.append({"code": "ca_qc", "name": "Quebec (Canada)", "location": "CA-QC", "iso3": None, "lc": lc,
                "direct": [(float(GA["CA-QC"]["carbonIntensity"]) / 1000, f"{GA_SRC}; underlying: {GA['CA-QC']['source']}")],
                "water_loc": "ca", "national": "CAN"})
for zone in ["SE1", "SE2", "SE3", "SE4", "NO1", "NO2", "NO3", "NO4", "NO5"]:
    cc = (float(NORDIC[zone]["gCO2e_per_kWh"]) / 1000,
          f"{NORDIC_SRC}, {NORDIC[zone]['description']}, {NORDIC[zone]['year']} (scope not stated by CodeCarbon)")
    lc = [cc]
    if f"NO-{zone}" in EIT:
        lc.append((float(EIT[f"NO-{zone}"]["carbonIntensity_gCO2e_per_kWh"]) / 1000, f"{EIT_SRC}, zone NO-{zone}"))
    else:  # Swedish zones: the national life-cycle values as the other bound
        lc.append((float(ECO["SWE"]["gwp_kgCO2eq_per_kWh"]), f"{ECO_SRC} (Sweden national, proxy for the zone)"))
    iso3 = "SWE" if zone.startswith("SE") else "NOR"
    REGIONS.append({"code": zone.lower(), "name": f"{NORDIC[zone]['description']} (Nord Pool bidding zone)",
                    "location": zone, "iso3": None, "lc": lc, "direct": [], "water_loc": zone[:2].lower(),
                    "national": iso3, "nordic": True})


# ---- air pollutants from fossil combustion (per kWh at the plant, sum over fuels)
# EMEP/EEA air pollutant emission inventory guidebook 2023, chapter 1.A.1 Energy industries, Tier 1
# emission factors for 1.A.1.a Public electricity and heat production, per GJ of fuel input (net
# calorific value), with the guidebook's 95 % confidence interval (lower, upper). Read from the
# EMEP/EEA emission factor database as mirrored by atmoschem/pega db/EMEP_20260207.csv (commit
# c61aa4a5). Table 3-2 hard coal, 3-4 natural gas, 3-6 heavy fuel oil (3-3 brown coal: see below).
EMEP_SRC = ("EMEP/EEA air pollutant emission inventory guidebook 2023, 1.A.1 Energy industries, Tier 1 EFs for "
            "1.A.1.a (EMEP/EEA EF database via atmoschem/pega db/EMEP_20260207.csv, commit c61aa4a5)")
EMEP_TABLE = {"coal": "Table 3-2 (hard coal)", "gas": "Table 3-4 (natural gas)", "oil": "Table 3-6 (heavy fuel oil)"}
EMEP_TIER1 = {  # fuel -> pollutant -> (value, CI lower, CI upper, unit per GJ fuel input)
    "coal": {"Hg": (1.4, 1.02, 2.38, "mg"), "As": (7.1, 5.04, 11.8, "mg"), "Cd": (0.9, 0.627, 1.46, "mg"),
             "Ni": (4.9, 3.44, 8.03, "mg"), "Pb": (7.3, 5.16, 12.0, "mg"), "Cr": (4.5, 3.2, 7.46, "mg"),
             "SOx": (820.0, 300.0, 5000.0, "g"), "NOx": (209.0, 200.0, 350.0, "g"), "PM2.5": (3.4, 0.9, 90.0, "g")},
    "gas": {"Hg": (0.1, 0.01, 1.0, "mg"), "As": (0.12, 0.027, 0.36, "mg"), "Cd": (0.00025, 0.00008, 0.00075, "mg"),
            "Ni": (0.00051, 0.00017, 0.00153, "mg"), "Pb": (0.0015, 0.0005, 0.0045, "mg"),
            "Cr": (0.00076, 0.00025, 0.00228, "mg"), "SOx": (0.281, 0.169, 0.393, "g"),
            "NOx": (89.0, 15.6, 180.0, "g"), "PM2.5": (0.89, 0.445, 1.33, "g")},
    "oil": {"Hg": (0.341, 0.17, 0.682, "mg"), "As": (3.98, 1.98, 7.97, "mg"), "Cd": (1.29, 0.64, 3.0, "mg"),
            "Ni": (255.0, 127.0, 510.0, "mg"), "Pb": (4.56, 2.88, 9.11, "mg"), "Cr": (2.55, 1.27, 5.1, "mg"),
            "SOx": (495.0, 146.0, 1700.0, "g"), "NOx": (142.0, 70.0, 300.0, "g"), "PM2.5": (19.3, 0.9, 90.0, "g")},
}
# Brown coal (Table 3-3) has about twice the hard-coal metal factors per GJ (Hg 2.9, As 14.3, Cd 1.8,
# Pb 15, Cr 9.1, Ni 9.7 mg/GJ; SOx 1680 g/GJ); the CodeCarbon/OWID mix does not split coal into hard
# and brown, so every coal kWh uses the hard-coal factors: lignite-heavy grids (DE, PL, AU, ...) are
# underestimated by up to a factor 2 for metals.
# Net generating efficiency per fuel: Graus, Voogt & Worrell 2007, Energy Policy 35:3936 (weighted
# averages of countries generating 65 % of fossil power: coal 35 %, gas 45 %, oil 38 %; best
# observed 42/52/45 %, taken as the upper end of a 95 % interval: sigma = ln(best/average)/1.96).
EFFICIENCY = {"coal": (0.35, 0.42), "gas": (0.45, 0.52), "oil": (0.38, 0.45)}
EFFICIENCY_SRC = ("Graus, Voogt & Worrell 2007, Energy Policy 35:3936-3951 (weighted-average net efficiency coal 35 %, "
                  "gas 45 %, oil 38 %; best observed 42/52/45 %)")
# EMEP gives total Cr; EF 3.0 characterizes Cr(VI) only. Cr(VI) share of stack chromium: 12 % for
# coal and gas, 18 % for oil (US EPA 1998, Study of HAP emissions from electric utility steam
# generating units, Final Report to Congress, EPA-453/R-98-004a, speciation assumption used in its
# inhalation risk assessment; recalled, not verified against the report); uncertainty: a factor 2
# (95 %), i.e. sigma ln(2)/1.96.
CR6_SHARE = {"coal": 0.12, "gas": 0.12, "oil": 0.18}
CR6_SRC = ("Cr(VI) share of total Cr 12 % coal/gas, 18 % oil (US EPA 1998 Utility HAP Report to Congress, "
           "EPA-453/R-98-004a; factor-2 uncertainty)")
POLLUTANT_FLOWS = [  # flow id, EMEP pollutant, label
    ("mercury_air", "Hg", "mercury"), ("arsenic_air", "As", "arsenic"), ("cadmium_air", "Cd", "cadmium"),
    ("nickel_air", "Ni", "nickel"), ("lead_air", "Pb", "lead"), ("chromium_vi_air", "Cr", "chromium VI"),
    ("sulfur_dioxide_air", "SOx", "SOx as SO2"), ("nitrogen_oxides_air", "NOx", "NOx as NO2"),
    ("particulates_pm2_5_air", "PM2.5", "PM2.5"),
]
GJ_PER_KWH = 0.0036
Z95 = 1.959964


def fuel_shares(iso3: str) -> tuple[dict[str, float], str]:
    """Generation shares of coal, gas and oil (CodeCarbon/OWID); 'WOR' sums all countries."""
    rows = list(CC.values()) if iso3 == "WOR" else [CC[iso3]]
    total = sum(float(r["total_TWh"]) for r in rows)
    shares = {f: sum(float(r[f"{f}_TWh"]) for r in rows) / total for f in ("coal", "gas", "oil")}
    year = "all countries summed" if iso3 == "WOR" else f"year {CC[iso3]['year']}"
    return shares, f"{CC_SRC}, {iso3} {year}"


def combustion_emission(shares: dict[str, float], pollutant: str) -> tuple[float, float, dict[str, float]]:
    """kg per kWh = sum over fuels of share x EF / efficiency (sum of medians), and the sigma of
    a lognormal with the sum's relative variance (Fenton-Wilkinson moment match of independent
    lognormal terms; each term's sigma combines the EF's 95 % CI, the efficiency and Cr(VI) share)."""
    median, mean, var, terms = 0.0, 0.0, 0.0, {}
    for fuel, share in shares.items():
        value, lo, hi, unit = EMEP_TIER1[fuel][pollutant]
        eta, eta_best = EFFICIENCY[fuel]
        kg_per_gj = value * (1e-6 if unit == "mg" else 1e-3)
        sig2 = (math.log(hi / lo) / (2 * Z95)) ** 2 + (math.log(eta_best / eta) / Z95) ** 2
        if pollutant == "Cr":
            kg_per_gj *= CR6_SHARE[fuel]
            sig2 += (math.log(2.0) / Z95) ** 2
        term = share * kg_per_gj * GJ_PER_KWH / eta
        terms[fuel] = term
        median += term
        m = term * math.exp(sig2 / 2)
        mean += m
        var += m * m * (math.exp(sig2) - 1)
    sigma = math.sqrt(math.log(1 + var / mean ** 2)) if mean > 0 else 0.0
    return median, sigma, terms


def combustion_exchanges(iso3: str, national_note: str) -> list[tuple]:
    shares, share_src = fuel_shares(iso3)
    share_txt = ", ".join(f"{f} {s:.4f}" for f, s in shares.items())
    out = []
    for fid, pol, label in POLLUTANT_FLOWS:
        value, sigma, terms = combustion_emission(shares, pol)
        tables = ", ".join(EMEP_TABLE[f] for f in shares)
        src = (f"sum over fuels of generation share x Tier 1 EF / net efficiency: shares ({share_txt}) from {share_src}"
               f"{national_note}; EFs: {EMEP_SRC}, {tables}; efficiencies: {EFFICIENCY_SRC}"
               + (f"; {CR6_SRC}" if pol == "Cr" else "")
               + "; uncertainty: per-fuel sigma = ln(CI upper/CI lower)/(2 x 1.96) combined with the efficiency "
               "spread, summed by Fenton-Wilkinson moment matching (lognormal, median = sum of the fuel terms)")
        u = {"distribution": "lognormal", "sigma": round(sigma, 4)} if value > 0 else FIXED
        split = ", ".join(f"{f} {t:.3e}" for f, t in terms.items())
        out.append((fid, value, "kg", src, u, f"{label} to air from fossil combustion at the plant, kg/kWh (by fuel: {split})"))
    return out


def ghg_exchange(values, central_src_note, what):
    vals = [v for v, _ in values]
    central, csrc = values[0]
    u = spread(vals, central)
    if not u:
        # single value: pedigree (reliability 2, completeness 2, temporal 2, geography 1, technology 2), 'air: CO2 (combustion/process)'
        s = pedigree_sigma([2, 2, 2, 1, 2], "air: CO2 (combustion/process)")
        u = {"distribution": "lognormal", "sigma": round(s, 4)}
        usrc = f"single source: lognormal from {PED_SRC}, scores (2,2,2,1,2), basic 'air: CO2'"
    else:
        usrc = "triangular over the range of: " + "; ".join(f"{v * 1000:.1f} g ({s.split(' (')[0]})" for v, s in values)
    src = f"{csrc} [{what}]; central = {central_src_note}; uncertainty: {usrc}"
    return central, u, src


def write_electricity():
    out = ['# Grid electricity, per kWh at the consumer (grid mix of generation).',
           '# Generated by tools/gen_data.py from ../shared/reference (re-run to regenerate).',
           '#',
           '# Process ids: electricity_<code> (life-cycle GHG: generation incl. upstream fuel chains and',
           '# infrastructure, as Ember/OWID and electricityMap compute it with IPCC AR5 life-cycle factors), and',
           '# electricity_<code>_direct (same, but GHG = direct combustion at the plant only, where a direct',
           '# dataset exists). <code>: iso2 (us, tw, ...), glo (world), us_<state>, ca_qc, se1..se4, no1..no5.',
           '# Each process is the provider of the product of the same id (reference product = process id).',
           '#',
           '# Biosphere per kWh:',
           '#  ghg_precharacterized_air (kg CO2-eq). Central value: EcoLogits (OWID/Ember, ~2024, most recent',
           '#    life-cycle country value) where available, else CodeCarbon (OWID/Ember 2022-23); US states:',
           '#    electricityMap 2019 balancing-area average (life-cycle); Georgia has no life-cycle dataset and',
           '#    uses direct values (flagged). Uncertainty: triangular over the range of all tables for the',
           '#    region (CodeCarbon, Carbontracker, Boavizta/Ember, electricityMap 2019 and for US states also the',
           '#    direct eGRID 2016 / Green Algorithms values). The spread mixes years (2016-2024) on purpose: the',
           '#    year of the inventory is itself uncertain for a model that runs for years.',
           '#  water_consumed_<loc> (m3): freshwater consumed per kWh generated (off-site water). Central: WRI',
           '#    country averages (via EcoLogits/Boavizta, incl. hydro reservoir evaporation); range: the mix-based',
           '#    estimate (CodeCarbon/OWID mix x Li et al. 2023 EWIF by fuel, with and without hydro reservoir',
           '#    evaporation at the Macknick et al. 2012 median 17.0 L/kWh). US states, Quebec and Nordic zones',
           '#    use their country values (no sub-national data in the reference tables) and the country flow.',
           '#  adp_elements_precharacterized (kg Sb-eq) and adp_fossil_precharacterized (MJ): ADEME Base',
           '#    IMPACTS 2011 per-kWh factors (via Boavizta; identical in EcoLogits). ADPf follows the EF 3.0',
           '#    scope and INCLUDES uranium: nuclear-heavy grids (FR, SE) show high MJ/kWh. Uncertainty: pedigree',
           '#    (data from 2011: temporal score 5). Sub-national regions use national values.',
           '#  fossil_energy_resource is NOT used here (no fossil-only per-kWh dataset in the reference tables).',
           '#  mercury, arsenic, cadmium, nickel, lead, chromium VI, SO2, NOx, PM2.5 to air (kg): direct stack',
           '#    emissions of fossil generation = sum over coal, gas, oil of generation share (CodeCarbon/OWID',
           '#    mix; world = all countries summed; sub-national regions use their national mix) x EMEP/EEA',
           '#    guidebook 2023 1.A.1 Tier 1 factor (per GJ fuel input) / net efficiency (Graus et al. 2007:',
           '#    coal 35 %, gas 45 %, oil 38 %). Coal uses the hard-coal table (lignite not separable in the mix:',
           '#    lignite-heavy grids are underestimated up to x2 for metals). Cr(VI) = 12 % (coal, gas) or 18 %',
           '#    (oil) of total Cr. Same values in the _direct variant; upstream (mining, fuel chains) excluded.',
           '#    Uncertainty: lognormal from the guidebook 95 % intervals and the efficiency spread (see source).',
           '', 'include = ["flows/elementary.toml"]', '', '[meta]', 'title = "Electricity, grid mixes"',
           f'description = {q("Grid electricity per kWh for countries, US states, Quebec, Nordic bidding zones and the world; life-cycle and direct-combustion GHG variants.")}',
           '']
    adp_sigma_e = pedigree_sigma([2, 2, 5, 1, 3], "resources: primary energy carriers, metals, salts")
    adp_sigma_sub = pedigree_sigma([2, 2, 5, 3, 3], "resources: primary energy carriers, metals, salts")
    for reg in REGIONS:
        code = reg["code"]
        nat = reg["national"]
        # ---- GHG
        flagged = ""
        if reg["lc"]:
            if reg.get("nordic") and not reg["code"].startswith("no"):
                note = "CodeCarbon zone value (zone-specific); national life-cycle value as the other bound"
            elif reg.get("nordic"):
                note = "CodeCarbon zone value (most recent, 2024); electricityMap 2019 zone value as the other bound"
            elif code.startswith("us_") or code == "ca_qc":
                note = "electricityMap 2019 balancing-area average (life-cycle)"
            elif reg["iso3"] in ECO:
                note = "EcoLogits/OWID (most recent life-cycle country value)"
            else:
                note = "CodeCarbon/OWID (most recent life-cycle country value in the tables)"
            values = list(reg["lc"])
            if code.startswith("us_"):
                values += reg["direct"]
            if code == "glo":
                b = BOA[("WOR", "gwp")]
                values.append((float(b["value_per_kWh"]), f"{BOA_SRC}: gwp {b['reference_year']}, {b['original_source']}"))
            lc_val, lc_u, lc_src = ghg_exchange(values, note, "life-cycle")
        else:
            flagged = ("NO life-cycle dataset for this region in the reference tables: direct-combustion values used as a "
                       "lower-bound proxy (upstream emissions missing)")
            lc_val, lc_u, lc_src = ghg_exchange(reg["direct"], "Green Algorithms (direct, proxy)", "DIRECT used as proxy")
        # ---- water
        wloc = reg["water_loc"]
        iso3w = nat
        boa_wu = BOA.get((iso3w, "wu"))
        cands = []
        if iso3w in ECO:
            cands.append((float(ECO[iso3w]["wue_offsite_L_per_kWh"]),
                          f"WRI 'Guidance for calculating water use embedded in purchased electricity' country average via {ECO_SRC.split(';')[0]}; wue column)"))
        elif boa_wu:
            cands.append((float(boa_wu["value_per_kWh"]) * 1000,
                          f"WRI 'Guidance for calculating water use embedded in purchased electricity' country average via {BOA_SRC} and EcoLogits"))
        if iso3w in CC:
            excl, incl = mix_water(iso3w)
            cands.append((incl, f"mix-based incl. hydro evaporation ({CC_SRC} mix x {EWIF_SRC}; hydro {HYDRO_EVAP} L/kWh, Macknick et al. 2012)"))
            cands.append((excl, f"mix-based excl. hydro evaporation ({CC_SRC} mix x {EWIF_SRC})"))
        w_central, w_csrc = cands[0]
        wvals = [v for v, _ in cands]
        w_u = spread(wvals, w_central)
        w_scope = "" if reg["iso3"] else f" (national {iso3w} value used for this sub-national region)"
        w_src = (f"{w_csrc}{w_scope}; uncertainty: triangular over " +
                 "; ".join(f"{v:.3f} L/kWh ({s.split(' (')[0]})" for v, s in cands))
        # ---- ADP
        ae = BOA[(iso3w, "adpe")]
        af = BOA[(iso3w, "adpf")]
        sig = adp_sigma_e if reg["iso3"] else adp_sigma_sub
        ped = "(2,2,5,1,3)" if reg["iso3"] else "(2,2,5,3,3) (national value for a sub-national region)"
        adp_usrc = f"lognormal from {PED_SRC}, scores {ped}, basic 'resources: primary energy carriers, metals'"

        def proc(pid, ghg_val, ghg_u, ghg_src, scope):
            lines = [f"[products.{pid}]", f"name = {q('Electricity, ' + reg['name'] + ', grid mix, at consumer' + (' (direct-combustion GHG)' if pid.endswith('_direct') else ''))}",
                     'unit = "kWh"', '',
                     f"[processes.{pid}]",
                     f"name = {q('Electricity, ' + reg['name'] + ', grid mix')}",
                     f"reference_product = {q(pid)}", "amount = 1", 'unit = "kWh"',
                     "# no stage: grid electricity inherits the stage of what uses it (fab, datacenter, ...)",
                     f"location = {q(reg['location'])}",
                     f"source = {q('GHG: ' + ghg_src.split(' [')[0] + '; water: WRI/Li et al. 2023; ADP: ADEME Base IMPACTS 2011 via Boavizta')}",
                     f"comment = {q('GHG scope: ' + scope + ('. ' + flagged if flagged else ''))}", ""]
            ex = [("ghg_precharacterized_air", ghg_val, "kg CO2-eq", ghg_src, ghg_u, f"GHG per kWh, {scope}"),
                  (f"water_consumed_{wloc}", w_central / 1000, "m3", w_src,
                   {k: (v / 1000 if isinstance(v, float) and k in ("min", "max", "mode") else v) for k, v in w_u.items()} if w_u
                   else {"distribution": "lognormal", "sigma": round(pedigree_sigma([2, 3, 3, 1, 3], "resources: primary energy carriers, metals, salts"), 4)},
                   f"off-site water consumed per kWh generated: {w_central:.3f} L/kWh"),
                  ("adp_elements_precharacterized", float(ae["value_per_kWh"]), "kg Sb-eq",
                   f"{BOA_SRC}: adpe {ae['reference_year']}, {ae['original_source']} (national {iso3w}); uncertainty: {adp_usrc}",
                   {"distribution": "lognormal", "sigma": round(sig, 4)}, "ADP elements per kWh (ADEME Base IMPACTS)"),
                  ("adp_fossil_precharacterized", float(af["value_per_kWh"]), "MJ",
                   f"{BOA_SRC}: adpf {af['reference_year']}, {af['original_source']} (national {iso3w}; EF 3.0 scope incl. uranium); uncertainty: {adp_usrc}",
                   {"distribution": "lognormal", "sigma": round(sig, 4)}, "ADP fossil per kWh, EF scope incl. uranium")]
            ex += combustion_exchanges(nat, "" if reg["iso3"] else f" (national {nat} mix used for this sub-national region)")
            for f, a, u, s, un, c in ex:
                assert f in FLOWS, f
                if un.get("distribution") == "lognormal" and a <= 0:
                    un = FIXED
                lines += [f"[[processes.{pid}.biosphere]]", f"flow = {q(f)}", f"amount = {num(a)}", f"unit = {q(u)}",
                          f"source = {q(s)}", f"uncertainty = {unc(un)}", f"comment = {q(c)}", ""]
            return lines

        out += [f"# ---- {reg['name']} ({reg['location']})"]
        out += proc(f"electricity_{code}", lc_val, lc_u, lc_src,
                    "life-cycle (generation incl. upstream), kg CO2-eq/kWh" if not flagged else "DIRECT combustion used as proxy for life-cycle")
        if reg["direct"]:
            dval, du, dsrc = ghg_exchange(reg["direct"], reg["direct"][0][1].split(";")[0] + " (direct)", "direct combustion")
            out += proc(f"electricity_{code}_direct", dval, du, dsrc, "direct combustion at the power plant only (operational), kg CO2-eq/kWh")
    (INV / "electricity.toml").write_text("\n".join(out))


# --------------------------------------------------------------------------- datacenter


def write_datacenter():
    dc = read("datacenter_pue_wue.csv")
    uptime = [(float(r["value"]), f"{r['source']} ({r['year']})") for r in dc
              if r["entity"].startswith("Uptime") and r["metric"] == "PUE" and int(r["year"]) >= 2022]
    hyper_pue = [(float(r["value"]), f"{r['entity']}: {r['source']} ({r['year']})") for r in dc
                 if r["metric"] == "PUE" and not r["entity"].startswith("Uptime")]
    hyper_wue = [(float(r["value"]), f"{r['entity']}: {r['source']} ({r['year']})") for r in dc
                 if r["metric"] == "WUE" and not r["entity"].startswith("US average")]
    # EcoLogits provider WUE values (Azure US 0.569, Sweden 0.09) also belong to the hyperscale range
    us_avg_wue = [r for r in dc if r["entity"].startswith("US average") and r["metric"] == "WUE"][0]

    def pline(name, value, unit, source, u, desc, comments=()):
        lines = [f"# {c}" for c in comments]
        lines += [f"[parameters.{name}]", f"value = {num(value)}", f"unit = {q(unit)}", f"source = {q(source)}",
                  f"uncertainty = {unc(u)}", f"description = {q(desc)}", ""]
        return lines

    out = ['# Datacenter operation: turns IT energy (kWh at the servers) into grid electricity and on-site',
           '# cooling water. Generated by tools/gen_data.py from ../shared/reference (re-run to regenerate).',
           '#',
           '# HOW TO USE: demand or consume the product `it_energy` (kWh of IT load). The process',
           '# `datacenter_operation` draws `pue` kWh of grid electricity per kWh of IT energy from the grid',
           '# chosen by the choice parameter `grid_region` (an electricity_<code> process of',
           '# inventories/electricity.toml; options = all its codes), and consumes `wue_onsite` litres of water',
           '# per kWh IT in the matching water_consumed_<loc> flow. Set in a scenario, e.g.',
           '#     [parameters]',
           '#     grid_region = "us_ia"',
           '#     datacenter_type = "hyperscale"      # or "industry_average"; or override pue / wue_onsite directly',
           '# One formula-gated input per region (amount = pue * it_energy_basis * (1 if grid_region == "x" else 0))',
           '# keeps a single product for all users; only the selected input is non-zero.',
           '# Per-kWh IT basis: formulas carry units, so amounts are written as pue * it_energy_basis (1 kWh,',
           '# the reference amount of the process) to give kWh and litres.',
           '',
           'include = ["electricity.toml", "flows/elementary.toml"]', '', '[meta]', 'title = "Datacenter operation"',
           f'description = {q("PUE, on-site WUE, node overheads; datacenter_operation process converting IT energy to grid electricity and cooling water.")}',
           '']
    vals = [v for v, _ in uptime]
    out += pline("pue_industry_average", 1.56, "", "Uptime Institute Global Data Center Survey 2024 (default in Green Algorithms defaults_PUE.csv); "
                 "range: Uptime 2022-2025 surveys " + ", ".join(f"{v}" for v in vals),
                 {"distribution": "triangular", "min": min(vals), "max": max(vals), "mode": 1.56},
                 "PUE, industry average (all operators, weighted)",
                 ["Central 1.56: Uptime 2024 (also Green Algorithms' default); triangular over Uptime 2022-2025 (1.54-1.58)."])
    hv = sorted(v for v, _ in hyper_pue)
    med = statistics.median(hv)
    out += pline("pue_hyperscale", med, "", "Median of hyperscaler fleet disclosures (" + "; ".join(s for _, s in hyper_pue) + ")",
                 {"distribution": "triangular", "min": min(hv), "max": max(hv), "mode": med},
                 "PUE, hyperscale/cloud fleet average",
                 [f"Central = median ({med}) of the operators' fleet values; triangular over their range [{min(hv)}, {max(hv)}]."])
    out += ['[parameters.datacenter_type]', 'value = "hyperscale"', 'options = ["hyperscale", "industry_average"]',
            'source = "study choice (LLM training/inference mostly runs in hyperscale or large colocation facilities)"',
            'description = "Which datacenter class sets pue and wue_onsite"', '']
    out += ['[parameters.pue]', "formula = 'pue_hyperscale if datacenter_type == \"hyperscale\" else pue_industry_average'",
            'unit = ""', 'description = "Power usage effectiveness used by datacenter_operation (override with a number for a known facility)"', '']
    wv = sorted([v for v, _ in hyper_wue] + [0.569, 0.09])
    wmed = round(statistics.median(wv), 6)
    out += pline("wue_onsite_hyperscale", wmed, "L/kWh",
                 "Median of operators' on-site WUE (" + "; ".join(s for _, s in hyper_wue) + "; EcoLogits provider table: Azure US 0.569, Microsoft Sweden 0.09 (2025))",
                 {"distribution": "triangular", "min": min(wv), "max": max(wv), "mode": wmed},
                 "On-site water use effectiveness (cooling water consumed per kWh IT), hyperscale",
                 [f"Central = median ({wmed:.4g}) of fleet/site values {wv}; triangular over their range. Strongly site- and climate-dependent."])
    s = pedigree_sigma([3, 3, 5, 2, 3], "demand: thermal energy, electricity, semi-finished products, working material, waste treatment")
    out += pline("wue_onsite_industry_average", float(us_avg_wue["value"]), "L/kWh",
                 f"{us_avg_wue['source']} ({us_avg_wue['year']}); uncertainty: lognormal from {PED_SRC}, scores (3,3,5,2,3)",
                 {"distribution": "lognormal", "sigma": round(s, 4)},
                 "On-site WUE, US average data center (legacy fleet incl. evaporative cooling)",
                 ["Single source (Shehabi et al. 2016, 2014 data): pedigree-derived lognormal."])
    out += ['[parameters.wue_onsite]', "formula = 'wue_onsite_hyperscale if datacenter_type == \"hyperscale\" else wue_onsite_industry_average'",
            'unit = "L/kWh"', 'description = "On-site water consumption per kWh of IT energy used by datacenter_operation"', '']
    out += ['[parameters.it_energy_basis]', 'value = 1', 'unit = "kWh"',
            'source = "definition: the reference amount of datacenter_operation (1 kWh of IT energy)"',
            'uncertainty = { distribution = "fixed" }',
            'description = "1 kWh of IT energy: turns per-kWh ratios (pue, wue_onsite) into amounts"', '']
    codes = [r["code"] for r in REGIONS]
    out += ['[parameters.grid_region]', 'value = "glo"', "options = [" + ", ".join(q(c) for c in codes) + "]",
            'source = "study choice: the grid (electricity_<code> in inventories/electricity.toml) feeding the datacenter"',
            'description = "Grid region of the datacenter; selects the electricity input and the water location"', '']
    # node overheads
    out += pline("server_power_excl_gpus", 1.2, "kW",
                 "EcoLogits llm.py (genai-impact/ecologits commit 2d0a1c76): 'server power excl. GPUs / GPUs per server = 1.2 kW / 8'; "
                 "uncertainty: pedigree (3,3,2,3,3), basic 'demand: electricity'",
                 {"distribution": "lognormal", "sigma": round(pedigree_sigma([3, 3, 2, 3, 3], "demand: thermal energy, electricity, semi-finished products, working material, waste treatment"), 4)},
                 "Power of an 8-GPU server's non-GPU part (CPUs, memory, fans, NICs, storage) when serving",
                 ["Node overhead: EcoLogits models 1.2 kW per 8-GPU server outside the GPUs (single tool default)."])
    out += pline("gpus_per_server", 8, "",
                 "EcoLogits llm.py (genai-impact/ecologits commit 2d0a1c76), 8 GPUs per server (HGX/DGX form factor)",
                 FIXED, "Accelerators per server node (HGX/DGX 8-GPU baseboard)")
    mem = [0.3725, 0.375, 0.284]
    out += pline("memory_power_per_gb", 0.3725, "W/GB",
                 "Green Algorithms referenceValues.csv (commit 30df2fee) 0.3725 W/GB; range with CodeCarbon v2 3 W per 8 GB (0.375) "
                 "and Boavizta ram.md 0.284 W/GB",
                 {"distribution": "triangular", "min": min(mem), "max": max(mem), "mode": 0.3725},
                 "DRAM power per GB of host memory",
                 ["Central: Green Algorithms 0.3725 W/GB; triangular over the three tools (0.284-0.375)."])
    out += pline("cpu_idle_power_fraction", 0.12, "",
                 "Boavizta cpu.md (commit 15878f04): 0.12 W per W TDP at 0 % load; CodeCarbon hardware.py (commit b05965e4): "
                 "P = TDP*(0.1+0.9*load^3) i.e. 0.10 at idle",
                 {"distribution": "uniform", "min": 0.10, "max": 0.12},
                 "CPU power at idle as a fraction of TDP",
                 ["Idle CPU: the two tools' idle fractions (0.10, 0.12) as a uniform range; central Boavizta (measured curve)."])

    # the process
    out += ['[products.it_energy]', 'name = "IT energy, delivered to the servers of a datacenter"', 'unit = "kWh"', '',
            '[processes.datacenter_operation]', 'name = "Datacenter operation, per kWh of IT energy"',
            'reference_product = "it_energy"', 'amount = 1', 'unit = "kWh"', 'stage = "use"',
            'source = "PUE/WUE: datacenter_pue_wue.csv rows (Uptime Institute surveys; operators\' disclosures via DCD, ComputerWeekly, EcoLogits); see parameters"',
            f'comment = {q("Grid electricity = pue x IT energy from the grid_region grid; on-site cooling water = wue_onsite x IT energy, consumed in the grid region location. Embodied impacts of the building and cooling plant are not included.")}',
            '']
    by_water: dict[str, list[str]] = {}
    for r in REGIONS:
        c = r["code"]
        out += ["[[processes.datacenter_operation.technosphere]]", f"product = {q('electricity_' + c)}",
                f"amount = 'pue * it_energy_basis * (1 if grid_region == \"{c}\" else 0)'", 'unit = "kWh"',
                'source = "pue: see parameters.pue"', f"comment = {q('grid electricity if grid_region = ' + c)}", '']
        by_water.setdefault(r["water_loc"], []).append(c)
    for wloc, cs in by_water.items():
        cond = " or ".join(f'grid_region == "{c}"' for c in cs)
        out += ["[[processes.datacenter_operation.biosphere]]", f"flow = {q('water_consumed_' + wloc)}",
                f"amount = 'wue_onsite * it_energy_basis * (1 if ({cond}) else 0)'", 'unit = "L"',
                'source = "wue_onsite: see parameters.wue_onsite"',
                f"comment = {q('on-site cooling water if grid_region in ' + ', '.join(cs))}", '']
    (INV / "datacenter.toml").write_text("\n".join(out))


def main():
    write_flows()
    write_gwp()
    write_water()
    write_tox()
    write_adp()
    write_electricity()
    write_datacenter()
    for p in sorted(INV.rglob("*.toml")):
        if p.name in ("elementary.toml", "electricity.toml", "datacenter.toml") or p.parent.name == "methods":
            with open(p, "rb") as fh:
                tomllib.load(fh)
    print(f"flows: {len(FLOWS)}, regions: {len(REGIONS)}")


if __name__ == "__main__":
    main()
