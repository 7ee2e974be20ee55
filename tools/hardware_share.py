"""Share of each impact category that comes from the hardware life cycle of the flagship study.

The flagship (scenarios/llm_training_lifecycle.toml) tags the datacenter's operation (grid
electricity x PUE, on-site cooling water) as stage "use"; everything else the training run
demands -- metal and silicon extraction, fabs (with their grid electricity, which inherits
"manufacturing"), transport, end of life -- is the hardware life cycle. So

    hardware = total - use stage,

and, as a cross-check, hardware = total - (the same study with the hardware switched off: a
service life of 1e12 years, which sends the amortised share of the servers to ~1e-13).

    python tools/hardware_share.py                       # us (study default), fr, pl, in
    python tools/hardware_share.py --regions us tw --study scenarios/llm_training_lifecycle.toml

Prints a Markdown table per grid region (see docs/hardware-share.md).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import NamedTuple

import lca
from lca import with_parameters

ROOT = Path(__file__).resolve().parents[1]
FLAGSHIP = ROOT / "scenarios" / "llm_training_lifecycle.toml"
OPERATION_STAGE = "use"
HARDWARE_OFF = {"hardware_lifetime_years": 1e12}


class HardwareShare(NamedTuple):
    """One category of one run: totals in the category unit, shares as fractions of the total."""

    category: str
    unit: str
    total: float
    hardware: float  # total - use stage
    share: float  # hardware / total, from the stage split
    share_switch_off: float  # 1 - (hardware switched off) / total


def hardware_shares(model: lca.Model) -> tuple[HardwareShare, ...]:
    """Hardware share of every category of *model*, from the stage split and by switching it off.

    >>> rows = hardware_shares(lca.load_study(FLAGSHIP))                 # doctest: +SKIP
    >>> round(rows[0].share, 3)                                          # doctest: +SKIP
    0.047
    """
    result = lca.calculate(model)
    operation_only = lca.calculate(with_parameters(model, HARDWARE_OFF, where="hardware switched off"))
    rows = []
    for category, impact in result.impacts.items():
        hardware = impact.value - impact.by_stage.get(OPERATION_STAGE, 0.0)
        off = operation_only.impacts[category].value
        total = impact.value
        rows.append(HardwareShare(category, impact.unit, total, hardware,
                                  hardware / total if total else float("nan"),
                                  1 - off / total if total else float("nan")))
    return tuple(rows)


def markdown_table(region: str, rows: tuple[HardwareShare, ...]) -> str:
    lines = [f"grid_region = {region}", "",
             "| category | unit | total | hardware life cycle | hardware share | cross-check (hardware off) |",
             "| --- | --- | ---: | ---: | ---: | ---: |"]
    for r in rows:
        lines.append(f"| {r.category} | {r.unit} | {r.total:.4g} | {r.hardware:.4g} | {r.share:.1%} | "
                     f"{r.share_switch_off:.1%} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--study", default=str(FLAGSHIP), help="scenario file (default: the flagship)")
    parser.add_argument("--regions", nargs="+", default=["us", "fr", "pl", "in"],
                        help="values of grid_region for the datacenter (default: us fr pl in)")
    args = parser.parse_args(argv)
    try:
        blocks = []
        for region in args.regions:
            model = lca.load_study(args.study, overrides={"grid_region": region})
            blocks.append(markdown_table(region, hardware_shares(model)))
    except lca.LCAError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print("\n\n".join(blocks))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
