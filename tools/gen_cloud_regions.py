"""Write inventories/cloud_regions.csv: cloud regions -> grid location, PUE and on-site WUE.

Reads the reference tables in ../shared/reference (Green Algorithms cloudProviders_datacenters,
mlco2/impact cloud regions, CodeCarbon cloud impact, datacenter_pue_wue.csv). A region's grid is
the finest location inventories/electricity.toml has (US state, Quebec, Nordic zone, else the
country); regions whose country has no grid there (Hong Kong, UAE, Qatar) are left out.
PUE: the region's published value where a table gives one (Google's per-campus values), else
the provider's fleet value; WUE: the provider's fleet value (no per-region WUE is published in
the tables). Run: python tools/gen_cloud_regions.py [REFERENCE_DIR]
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REF = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent.parent / "shared" / "reference"
if not REF.is_dir():
    REF = Path("/work/shared/reference")

COUNTRY = {"ZAF": "za", "TWN": "tw", "CHN": "cn", "JPN": "jp", "KOR": "kr", "IND": "in", "SGP": "sg", "IDN": "id",
           "AUS": "au", "POL": "pl", "FIN": "fi", "ESP": "es", "BEL": "be", "GBR": "gb", "DEU": "de", "NLD": "nl",
           "CHE": "ch", "ITA": "it", "FRA": "fr", "SAU": "sa", "ISR": "il", "CAN": "ca", "BRA": "br", "CHL": "cl",
           "USA": "us", "IRL": "ie", "SWE": "se", "NOR": "no", "MEX": "mx", "NZL": "nz"}
NAMES = {"Taiwan": "tw", "China": "cn", "Japan": "jp", "India": "in", "Singapore": "sg", "Australia": "au",
         "Finland": "fi", "Belgium": "be", "United Kingdom": "gb", "Germany": "de", "Netherlands": "nl",
         "Switzerland": "ch", "Canada": "ca", "Brazil": "br", "USA": "us", "South Korea": "kr", "Ireland": "ie",
         "France": "fr", "Sweden": "se", "South Africa": "za", "Italy": "it"}
# US cities of mlco2's AWS/Azure rows -> state grid (the city is the table's; the state is geography)
US_CITY = {"Columbus": "us_oh", "Ashburn": "us_va", "San Francisco": "us_ca", "Portland": "us_or",
           "Dublin": "us_oh", "Seattle": "us_wa", "Council Bluffs": "us_ia", "Moncks Corner": "us_sc",
           "Dallas": "us_tx", "The Dalles": "us_or", "Los Angeles": "us_ca", "Salt Lake City": "us_ut",
           "Las Vegas": "us_nv", "Des Moines": "us_ia", "Blue Ridge": "us_va", "Boydton": "us_va",
           "Chicago": "us_il", "San Antonio": "us_tx", "Quincy": "us_wa"}
STATES = {"us_or", "us_ca", "us_ut", "us_nv", "us_ia", "us_sc", "us_va", "us_il", "us_tx", "us_wa", "us_az", "us_oh",
          "us_ga", "us_ny", "us_ok", "ca_qc"}
# Stockholm (AWS eu-north-1) is in bidding zone SE3 (Nord Pool zone map); Oslo NO1, Stavanger NO2.
CITY_ZONE = {("aws", "eu-north-1"): "se3", ("azure", "norwayeast"): "no1", ("azure", "norwaywest"): "no2"}

FLEET = {  # provider: (pue, min, max, source, wue, min, max, source)
    "gcp": (1.09, 1.06, 1.12, "Google fleet PUE 2024 (EcoLogits provider table, provider disclosures; DCD: ~1.10, best "
            "site 1.06); Green Algorithms default 1.12 (datacenter_pue_wue.csv, green_algorithms_default_pue.csv)",
            0.99, 0.5, 1.3, "Google fleet WUE 0.99 L/kWh derived by EcoLogits from Google disclosures (2024; Google "
            "publishes no WUE: datacenter_pue_wue.csv); unverified: range 0.5-1.3 for sites with and without "
            "evaporative cooling"),
    "aws": (1.15, 1.14, 1.2, "AWS global PUE 2023 (DatacenterDynamics, re:Invent 2024); EcoLogits 1.14 (2025); Green "
            "Algorithms default 1.2 (datacenter_pue_wue.csv, green_algorithms_default_pue.csv)",
            0.15, 0.13, 0.19, "AWS global WUE 0.15 L/kWh (ComputerWeekly summary of AWS 2024 sustainability "
            "reporting); EcoLogits 0.13 (datacenter_pue_wue.csv); upper end 0.19 AWS 2022 figure, unverified"),
    "azure": (1.18, 1.12, 1.2, "Microsoft fleet PUE 2023 (DatacenterDynamics 2024; newest designs ~1.12); EcoLogits "
              "Azure 1.2 (2025) (datacenter_pue_wue.csv)",
              0.30, 0.27, 0.569, "Microsoft fleet WUE 0.30 L/kWh (FY23/FY24 report); fully-owned FY25 0.27; "
              "EcoLogits US Azure 0.569 (datacenter_pue_wue.csv)"),
}


def azure_id(name: str) -> str:
    """Azure's CLI name of a region ("West Europe" -> westeurope); the table's "Northeastt" typo mended."""
    return re.sub(r"[^a-z0-9]", "", re.sub(r"\(.*?\)", "", name).lower()).replace("northeastt", "northeast")


def grid_of(location: str) -> str | None:
    """Green Algorithms' location code (US-OR, DE, AU-NSW, CA-QC) -> a grid code."""
    country, _, sub = location.partition("-")
    code = f"{country}_{sub}".lower()
    if code in STATES:
        return code
    return {"CN": None if sub == "HK" else "cn"}.get(country, country.lower() if country.lower() in set(
        COUNTRY.values()) | {"mx"} else None)


def main() -> None:
    rows: dict[tuple[str, str], dict] = {}
    for r in csv.DictReader(open(REF / "green_algorithms_cloud_datacenters.csv", encoding="utf-8")):
        provider = r["provider"]
        region = r["Name"].strip() if provider == "gcp" else azure_id(r["Name"])
        grid = CITY_ZONE.get((provider, region)) or grid_of(r["location"])
        if grid is None:
            continue
        rows[(provider, region)] = {"grid": grid, "city": r["location_freeForm"].strip(),
                                    "location_source": f"Green Algorithms cloudProviders_datacenters.csv "
                                    f"(location {r['location']}; {r['source_datacentre']})",
                                    "pue": r["PUE"], "pue_source": r["source_PUE"]}
    for r in csv.DictReader(open(REF / "mlco2_impact_cloud_regions.csv", encoding="utf-8")):
        provider, region = r["provider"], r["region"]
        if provider not in FLEET or not region or "Hong Kong" in r["city"]:
            continue
        if r["country"] == "USA":
            grid = US_CITY.get(r["city"].strip().strip('"'))
        elif r["state"].startswith("Qu"):
            grid = "ca_qc"
        else:
            grid = NAMES.get(r["country"])
        grid = CITY_ZONE.get((provider, region), grid)
        if grid is None:
            continue
        row = rows.setdefault((provider, region), {"grid": grid, "city": r["city"], "pue": "", "pue_source": "",
                                                   "location_source": f"mlco2/impact data/impact.csv (country "
                                                   f"{r['country']}, city {r['city']})"})
        if r["PUE"] and not row["pue"]:
            row["pue"], row["pue_source"] = r["PUE"], f"mlco2/impact data/impact.csv ({r['PUE source']})"
    for r in csv.DictReader(open(REF / "codecarbon_cloud_region_impact.csv", encoding="utf-8")):
        if ("gcp", r["region"]) in rows:
            continue
        grid = US_CITY.get(r["city"]) if r["countryIsoCode"] == "USA" else (
            "ca_qc" if r["state"] == "Quebec" else COUNTRY.get(r["countryIsoCode"]))
        if grid is None or r["city"] == "Hong Kong":
            continue
        rows[("gcp", r["region"])] = {"grid": grid, "city": r["city"], "pue": "", "pue_source": "",
                                      "location_source": f"CodeCarbon data/cloud/impact.csv (country "
                                      f"{r['countryIsoCode']}, city {r['city']})"}
    out = ROOT / "inventories" / "cloud_regions.csv"
    with open(out, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["region", "grid", "city", "pue", "pue_min", "pue_max", "pue_source", "wue_l_per_kwh",
                         "wue_min", "wue_max", "wue_source", "location_source"])
        for (provider, region), row in sorted(rows.items()):
            fleet = FLEET[provider]
            if row["pue"]:
                pue = float(row["pue"])
                pue_row = [pue, max(1.0, round(pue - 0.02, 3)), round(pue + 0.05, 3),
                           f"{provider} {region}: {row['pue_source']} (one campus value, 2019-2020); uncertainty "
                           "unverified: -0.02/+0.05 for year-to-year change"]
            else:
                pue_row = [fleet[0], fleet[1], fleet[2], f"no per-region PUE published in the tables: {provider} "
                           f"fleet value, {fleet[3]}"]
            writer.writerow([f"{provider}:{region}", row["grid"], row["city"].strip(), *pue_row,
                             fleet[4], fleet[5], fleet[6], f"{provider} fleet value: {fleet[7]}",
                             row["location_source"]])
    print(f"wrote {out} ({len(rows)} regions)")


if __name__ == "__main__":
    main()
