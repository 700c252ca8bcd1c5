"""Time PyCIB's fast succession from given starts; run with the peer environment's Python (bench/setup_peers.sh).

``bench/.peer-venv/bin/python bench/peer_pycib_succession.py MATRIX.npz STARTS.npy --rule global --limit SECONDS``
runs ``cib.fast_succession.run_to_attractor_indices`` (PyCIB's index-space succession with
incremental score updates, on its ``FastCIBScorer``) from each start in turn until the starts
or the time run out, and prints one JSON line: how many starts were run, the seconds they took,
and where each ended (the consistent scenario, or ``null`` for a cycle). Ties keep the current
variant (``float_atol`` 1e-9 on integer scores), as ScenarioWizard's succession does. PyCIB is
only called here, in its own process; a warm-up run comes first.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
from cib.fast_scoring import FastCIBScorer
from cib.fast_succession import run_to_attractor_indices

from peer_pycib import to_pycib


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("matrix")
    ap.add_argument("starts")
    ap.add_argument("--rule", choices=("global", "local"), default="global")
    ap.add_argument("--limit", type=float, default=60.0)
    args = ap.parse_args()
    data = np.load(args.matrix)
    values, sizes = data["values"], [int(s) for s in data["sizes"]]
    starts = np.load(args.starts)
    scorer = FastCIBScorer.from_matrix(to_pycib(values, sizes))

    def run(z):
        res = run_to_attractor_indices(scorer=scorer, initial_z_idx=z, rule=args.rule, float_atol=1e-9)
        return None if res.is_cycle else [int(x) for x in res.attractor]

    run(starts[0])  # warm-up outside the clock
    ends = []
    t0 = time.perf_counter()
    for z in starts:
        ends.append(run(z))
        if time.perf_counter() - t0 > args.limit:
            break
    print(json.dumps({"starts": len(ends), "seconds": time.perf_counter() - t0, "ends": ends}))


if __name__ == "__main__":
    main()
