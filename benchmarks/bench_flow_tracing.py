"""Flow tracing speed: the shipped week of six areas, and synthetic grids of the US's size.

For each case it times (best of ``--repeat``, CPU seconds of this process) reading the file
(the sample only), the batched flow-tracing solve with and without the per-area origins
(:func:`lca.engine.flow_tracing.trace_flows`: stacks of hourly dense solves), and,
for reference, one dense ``numpy.linalg.solve`` per hour in a Python loop; it checks that both
give the same intensities (max relative difference) and that consumed emissions equal produced
emissions.

    python benchmarks/bench_flow_tracing.py                       # the sample week
    python benchmarks/bench_flow_tracing.py --synthetic 8760x65   # + a year of 65 areas
    python benchmarks/bench_flow_tracing.py --json out.json
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Callable

import numpy as np

from lca.engine.flow_tracing import trace_flows
from lca.load.interchange import read_interchange
from lca.load.resources import shipped

SAMPLE = "lca:interchange/wecc_sample_week.csv"


def best(function: Callable[[], object], repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.process_time()  # CPU seconds: the machines are shared
        result = function()
        times.append(time.process_time() - start)
    return min(times), result


def synthetic(hours: int, areas: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A random balanced grid: each area trades with about 4 others, up to half its generation."""
    rng = np.random.default_rng(seed)
    P = rng.uniform(100, 20_000, (hours, areas))
    F = P * rng.uniform(0, 1000, (1, areas))
    links = rng.random((areas, areas)) < 4 / areas
    np.fill_diagonal(links, False)
    share = rng.random((hours, areas, areas)) * links
    share *= rng.uniform(0, 0.5, (hours, areas, 1)) / np.maximum(share.sum(axis=2, keepdims=True), 1e-12)
    sent = share * P[:, :, None]
    return P, F, sent - sent.transpose(0, 2, 1)


def dense_loop(P: np.ndarray, F: np.ndarray, ID: np.ndarray) -> np.ndarray:
    out = np.empty_like(P)
    for t in range(P.shape[0]):
        imports = np.clip(-ID[t], 0, None)
        out[t] = np.linalg.solve(np.diag(P[t] + imports.sum(axis=1)) - imports, F[t])
    return out


def run_case(name: str, P: np.ndarray, F: np.ndarray, ID: np.ndarray, repeat: int, read_s: float | None) -> dict:
    with_origins, traced = best(lambda: trace_flows(P, F, ID), repeat)
    without, _ = best(lambda: trace_flows(P, F, ID, origins=False), repeat)
    loop, reference = best(lambda: dense_loop(P, F, ID), repeat)
    difference = float(np.max(np.abs(traced.intensity - reference) / np.maximum(np.abs(reference), 1e-300)))
    conservation = float(abs((traced.intensity * traced.consumption).sum() / F.sum() - 1))
    return {"case": name, "hours": P.shape[0], "areas": P.shape[1], "read_s": read_s,
            "trace_s": with_origins, "trace_no_origins_s": without, "dense_loop_s": loop,
            "total_s": (read_s or 0.0) + with_origins, "max_rel_diff": difference,
            "conservation_rel_error": conservation}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", action="append", default=[], metavar="HOURSxAREAS",
                        help="also a random balanced grid of this size (e.g. 8760x65); repeatable")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", metavar="FILE", help="write the records here too")
    args = parser.parse_args(argv)
    path = shipped(SAMPLE)
    read_s, data = best(lambda: read_interchange(path), args.repeat)
    records = [run_case("sample week", data.production, data.emissions, data.interchange, args.repeat, read_s)]
    for size in args.synthetic:
        hours, areas = (int(v) for v in size.lower().split("x"))
        records.append(run_case(f"synthetic {hours}x{areas}", *synthetic(hours, areas), args.repeat, None))
    print("| case | hours | areas | read, CPU s | trace (origins), CPU s | trace, CPU s | dense loop, CPU s | read + trace, CPU s "
          "| max rel. diff | conservation |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in records:
        read = f"{r['read_s']:.4f}" if r["read_s"] is not None else "-"
        print(f"| {r['case']} | {r['hours']} | {r['areas']} | {read} | {r['trace_s']:.4f} | "
              f"{r['trace_no_origins_s']:.4f} | {r['dense_loop_s']:.4f} | {r['total_s']:.4f} | "
              f"{r['max_rel_diff']:.1e} | {r['conservation_rel_error']:.1e} |")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(records, handle, indent=2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
