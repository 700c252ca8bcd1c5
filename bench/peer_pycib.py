"""Time PyCIB's exact solver on one matrix; run with the peer environment's Python (bench/setup_peers.sh).

``bench/.peer-venv/bin/python bench/peer_pycib.py MATRIX.npz --limit SECONDS`` prints one JSON
line: the median seconds of ``ScenarioAnalyzer.find_all_consistent_exact`` (default
configuration, its own time limit set to ``--limit``), the number of consistent scenarios and
whether PyCIB reports its search complete. PyCIB is only called here, in its own process; a
warm-up run on a tiny matrix comes first. PyCIB leaves out diagonal judgement sections by
convention, so a matrix with nonzero diagonal blocks is reported as not comparable.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import numpy as np
from cib import CIBMatrix, ScenarioAnalyzer
from cib.solvers.config import ExactSolverConfig


def to_pycib(values: np.ndarray, sizes: list[int]) -> CIBMatrix:
    names = [f"d{i}" for i in range(len(sizes))]
    matrix = CIBMatrix({name: [f"v{k}" for k in range(s)] for name, s in zip(names, sizes, strict=True)})
    off = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    for i, si in enumerate(sizes):
        for j, sj in enumerate(sizes):
            if i == j:
                continue
            for u in range(si):
                for v in range(sj):
                    x = values[off[i] + u, off[j] + v]
                    if x != 0:
                        matrix.set_impact(names[i], f"v{u}", names[j], f"v{v}", float(x))
    return matrix


def solve(matrix: CIBMatrix, limit: float):
    return ScenarioAnalyzer(matrix).find_all_consistent_exact(config=ExactSolverConfig(time_limit_s=limit))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("matrix")
    ap.add_argument("--limit", type=float, default=60.0)
    args = ap.parse_args()
    data = np.load(args.matrix)
    values, sizes = data["values"], [int(s) for s in data["sizes"]]
    off = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    if any(values[o : o + s, o : o + s].any() for o, s in zip(off, sizes, strict=True)):
        print(json.dumps({"comparable": False, "why": "diagonal judgement sections"}))
        return
    tiny = to_pycib(np.array([[0, 0, 1, -1], [0, 0, -1, 1], [1, -1, 0, 0], [-1, 1, 0, 0]]), [2, 2])
    solve(tiny, 10.0)  # warm-up: imports and first calls outside the clock
    matrix = to_pycib(values, sizes)
    times = []
    res = None
    while True:
        t0 = time.perf_counter()
        res = solve(matrix, args.limit)
        times.append(time.perf_counter() - t0)
        if not res.is_complete or sum(times) > 3 or len(times) >= 5:
            break
    out = {
        "comparable": True,
        "seconds": statistics.median(times),
        "runs": len(times),
        "found": len(res.scenarios),
        "complete": bool(res.is_complete),
        "status": res.status,
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
