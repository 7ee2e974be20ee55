"""Construct the shipped interchange sample: one July week of hourly data for six WECC balancing areas.

NOT raw EIA-930 data (no network here): a constructed week in EIA-930's wide layout, from

* ``inventories/interchange/sample_inputs.csv``: each area's mean generation by fuel and each
  trade's mean flow over the week (MW; mostly unverified magnitudes, each with its range and
  source), and CISO's published import share (28 % of its consumption in 2016), to which the
  trades into CISO are scaled;
* ``inventories/interchange/fuel_co2_factors.csv``: CO2 per MWh by fuel (gridemissions'
  defaults, with the range of other published factors);
* hourly shapes (UTC-7, the local standard time of all six areas in July): load-following
  (a daily sine peaking at 16:00), solar (a half-sine from 06:00 to 20:00), wind (a sine
  peaking at 18:00 plus seeded AR(1) noise), evening imports (the load shape shifted two
  hours), flat; each scaled to mean 1, and every series multiplied by seeded noise of 3 %.

Writes ``inventories/interchange/wecc_sample_week.csv``. Re-run: ``python tools/make_interchange_sample.py``
(deterministic: seed 2016).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "inventories" / "interchange"
START = datetime(2016, 7, 11, tzinfo=timezone.utc)  # a Monday; the first hour starts here
HOURS = 168
UTC_OFFSET = -7  # PDT and Arizona's MST
SEED = 2016


def shapes(rng: np.random.Generator) -> dict[str, np.ndarray]:
    local = (np.arange(HOURS) + UTC_OFFSET) % 24
    load = 1 + 0.25 * np.sin(2 * np.pi * (local - 10) / 24)
    solar = np.clip(np.sin(np.pi * (local - 6) / 14), 0, None)
    noise = np.zeros(HOURS)
    for t in range(1, HOURS):
        noise[t] = 0.9 * noise[t - 1] + rng.normal(0, 0.1)
    wind = np.clip(1 + 0.4 * np.sin(2 * np.pi * (local - 12) / 24) + noise, 0.05, None)
    evening = 1 + 0.25 * np.sin(2 * np.pi * (local - 12) / 24)
    out = {"load": load, "solar": solar, "wind": wind, "evening": evening, "flat": np.ones(HOURS)}
    return {name: series / series.mean() for name, series in out.items()}


def main() -> None:
    rng = np.random.default_rng(SEED)
    shape = shapes(rng)
    factors = {row["fuel"]: float(row["central"]) for row in csv.DictReader(open(FOLDER / "fuel_co2_factors.csv"))}
    rows = list(csv.DictReader(open(FOLDER / "sample_inputs.csv")))
    generation: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(HOURS))
    emissions: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(HOURS))
    trades: dict[tuple[str, str], np.ndarray] = {}
    share = None
    for row in rows:
        if row["kind"] == "import_share":
            share = (row["area"], float(row["mean_mw"]))
            continue
        series = float(row["mean_mw"]) * shape[row["shape"]] * rng.normal(1, 0.03, HOURS)
        if row["kind"] == "generation":
            generation[row["area"]] += series
            emissions[row["area"]] += series * factors[row["fuel_or_partner"]]
        else:
            trades[(row["area"], row["fuel_or_partner"])] = series
    # scale the trades into the area so that its imports are the published share of its consumption
    area, target = share
    into = [key for key in trades if key[1] == area]
    imports = sum(trades[key].sum() for key in into)
    exports = sum(trades[key].sum() for key in trades if key[0] == area)
    scale = target * (generation[area].sum() - exports) / ((1 - target) * imports)
    for key in into:
        trades[key] *= scale
    areas = sorted(generation)
    net_export = {a: sum((s for (x, _), s in trades.items() if x == a), np.zeros(HOURS))
                  - sum((s for (_, y), s in trades.items() if y == a), np.zeros(HOURS)) for a in areas}
    header = ["period"]
    for a in areas:
        header += [f"E_{a}_D", f"E_{a}_NG", f"E_{a}_TI", f"CO2_{a}_NG"]
    pairs = sorted(set(trades) | {(b, a) for a, b in trades})
    header += [f"E_{a}-{b}_ID" for a, b in pairs]
    with open(FOLDER / "wecc_sample_week.csv", "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for t in range(HOURS):
            period = START + timedelta(hours=t + 1)
            cells = [period.strftime("%Y-%m-%dT%H:%M:%SZ")]
            for a in areas:
                ng, ti = round(generation[a][t], 1), round(net_export[a][t], 1)
                assert ng - ti > 0, f"{a} has no consumption at hour {t}"
                cells += [f"{ng - ti:.1f}", f"{ng:.1f}", f"{ti:.1f}", f"{round(emissions[a][t]):d}"]
            for a, b in pairs:
                flow = trades[(a, b)][t] if (a, b) in trades else -trades[(b, a)][t]
                cells.append(f"{round(flow, 1):.1f}")
            writer.writerow(cells)
    print(f"wrote {FOLDER / 'wecc_sample_week.csv'}: {HOURS} hours, {len(areas)} areas, {len(trades)} trades; "
          f"trades into {area} scaled by {scale:.3f}")


if __name__ == "__main__":
    main()
