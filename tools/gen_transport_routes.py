"""Write inventories/hardware/transport_routes.csv: freight distances from the assembly regions to every grid.

Needs the PyPI packages airportsdata (airport coordinates, MIT) and searoute (shortest sea
routes on a maritime network, Apache-2.0): pip install airportsdata searoute. Not used at run time.

* air: great-circle distance between the gateway airports + 95 km (EN 16258:2012 and the GLEC
  Framework v3 (2023), section on air distances: "GCD + 95 km" for take-off, landing and routing);
* sea: searoute's shortest path between the gateway ports (Suez and Panama open);
* road: the legs to and from the gateways, great-circle x 1.2 (road circuity factor, Ballou,
  Rahardja & Sakai 2002, Transportation Research Part A 36:843-848: 1.2 for the US, 1.1-1.4
  elsewhere) + 50 km of local delivery at each end (unverified); the datacenter is taken to be
  at the destination airport's city. Within one country (TW -> tw, US -> us_*), road only.

Run: python tools/gen_transport_routes.py
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import airportsdata
import searoute

ROOT = Path(__file__).resolve().parents[1]
# origin: (country, gateway airport, port name, port lon, lat); the fab/assembly cluster is the airport's
ORIGINS = {
    "tw": ("tw", "TPE", "Kaohsiung", 120.27, 22.61),
    "kr": ("kr", "ICN", "Busan", 129.04, 35.10),
    "cn": ("cn", "PVG", "Shanghai Yangshan", 122.07, 30.62),
    "us": ("us", "SJC", "Oakland", -122.30, 37.80),
    "my": ("my", "PEN", "Penang", 100.36, 5.41),
}
# grid code: (gateway airport, port name, port lon, lat)
DESTINATIONS = {
    "glo": ("FRA", "Rotterdam", 4.05, 51.95),
    "us": ("ORD", "Los Angeles", -118.26, 33.73), "cn": ("PEK", "Tianjin", 117.78, 38.97),
    "tw": ("TPE", "Kaohsiung", 120.27, 22.61), "fr": ("CDG", "Le Havre", 0.11, 49.48),
    "de": ("FRA", "Hamburg", 9.97, 53.54), "gb": ("LHR", "Felixstowe", 1.33, 51.95),
    "se": ("ARN", "Gothenburg", 11.85, 57.69), "no": ("OSL", "Oslo", 10.74, 59.90),
    "fi": ("HEL", "Helsinki", 25.18, 60.21), "is": ("KEF", "Reykjavik", -21.88, 64.15),
    "ie": ("DUB", "Dublin", -6.21, 53.35), "nl": ("AMS", "Rotterdam", 4.05, 51.95),
    "be": ("BRU", "Antwerp", 4.30, 51.28), "ch": ("ZRH", "Rotterdam", 4.05, 51.95),
    "dk": ("CPH", "Aarhus", 10.23, 56.15), "es": ("MAD", "Valencia", -0.32, 39.44),
    "it": ("MXP", "Genoa", 8.90, 44.40), "pl": ("WAW", "Gdansk", 18.70, 54.40),
    "ee": ("TLL", "Tallinn Muuga", 25.00, 59.50), "at": ("VIE", "Koper", 13.74, 45.56),
    "pt": ("LIS", "Sines", -8.87, 37.95), "jp": ("NRT", "Tokyo", 139.80, 35.60),
    "kr": ("ICN", "Busan", 129.04, 35.10), "in": ("BOM", "Nhava Sheva", 72.95, 18.95),
    "sg": ("SIN", "Singapore", 103.75, 1.26), "id": ("CGK", "Tanjung Priok", 106.88, -6.10),
    "my": ("KUL", "Port Klang", 101.36, 3.00), "th": ("BKK", "Laem Chabang", 100.88, 13.08),
    "sa": ("RUH", "Dammam", 50.20, 26.50), "il": ("TLV", "Haifa", 35.00, 32.82),
    "ca": ("YYZ", "Vancouver", -123.10, 49.29), "mx": ("MEX", "Manzanillo", -104.31, 19.05),
    "br": ("GRU", "Santos", -46.30, -23.97), "cl": ("SCL", "San Antonio", -71.62, -33.59),
    "au": ("SYD", "Sydney Botany", 151.22, -33.97), "nz": ("AKL", "Auckland", 174.79, -36.84),
    "za": ("JNB", "Durban", 31.03, -29.87),
    "us_ia": ("DSM", "Los Angeles", -118.26, 33.73), "us_ok": ("OKC", "Houston", -95.00, 29.73),
    "us_va": ("IAD", "Norfolk", -76.33, 36.90), "us_or": ("PDX", "Tacoma", -122.42, 47.27),
    "us_tx": ("DFW", "Houston", -95.00, 29.73), "us_ca": ("SJC", "Oakland", -122.30, 37.80),
    "us_wa": ("SEA", "Tacoma", -122.42, 47.27), "us_ga": ("ATL", "Savannah", -81.10, 32.08),
    "us_nv": ("LAS", "Los Angeles", -118.26, 33.73), "us_az": ("PHX", "Los Angeles", -118.26, 33.73),
    "us_oh": ("CMH", "New York New Jersey", -74.15, 40.67), "us_il": ("ORD", "Los Angeles", -118.26, 33.73),
    "us_ny": ("JFK", "New York New Jersey", -74.15, 40.67), "us_sc": ("CHS", "Charleston", -79.92, 32.78),
    "us_ut": ("SLC", "Oakland", -122.30, 37.80), "ca_qc": ("YUL", "Montreal", -73.53, 45.56),
    "se1": ("LLA", "Lulea", 22.15, 65.58), "se2": ("SDL", "Sundsvall", 17.33, 62.39),
    "se3": ("ARN", "Gothenburg", 11.85, 57.69), "se4": ("MMX", "Malmo", 12.99, 55.62),
    "no1": ("OSL", "Oslo", 10.74, 59.90), "no2": ("SVG", "Stavanger", 5.73, 58.97),
    "no3": ("TRD", "Trondheim", 10.40, 63.44), "no4": ("TOS", "Tromso", 18.96, 69.65),
    "no5": ("BGO", "Bergen", 5.32, 60.40),
}
CIRCUITY = 1.2
LOCAL_KM = 50.0


def gcd(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance, km (haversine, 6,371 km sphere)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    return 2 * 6371.0 * math.asin(math.sqrt(math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2))


def main() -> None:
    airports = airportsdata.load("IATA")
    rows = []
    for origin, (country, o_air, o_port, o_lon, o_lat) in ORIGINS.items():
        oa = airports[o_air]
        for code, (d_air, d_port, d_lon, d_lat) in DESTINATIONS.items():
            da = airports[d_air]
            road_to_port = gcd(oa["lat"], oa["lon"], o_lat, o_lon) * CIRCUITY + LOCAL_KM
            road_from_port = gcd(d_lat, d_lon, da["lat"], da["lon"]) * CIRCUITY + LOCAL_KM
            domestic = code.split("_")[0] == country or (country == "us" and code.startswith("us"))
            if domestic:
                road = gcd(oa["lat"], oa["lon"], da["lat"], da["lon"]) * CIRCUITY + 2 * LOCAL_KM
                rows.append([origin, code, 0, 0, round(road), round(road), o_air, "", d_air, "",
                             "same country: road only"])
                continue
            air = gcd(oa["lat"], oa["lon"], da["lat"], da["lon"]) + 95.0
            sea = searoute.searoute([o_lon, o_lat], [d_lon, d_lat]).properties["length"]
            rows.append([origin, code, round(air), round(sea), round(2 * LOCAL_KM), round(road_to_port + road_from_port),
                         o_air, o_port, d_air, d_port, ""])
    out = ROOT / "inventories" / "hardware" / "transport_routes.csv"
    with open(out, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["origin", "destination", "air_km", "sea_km", "road_air_km", "road_sea_km", "origin_airport",
                         "origin_port", "destination_airport", "destination_port", "comment"])
        writer.writerows(rows)
    print(f"wrote {out} ({len(rows)} routes)")


if __name__ == "__main__":
    main()
