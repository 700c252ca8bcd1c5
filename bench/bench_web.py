"""Benchmark the web workbench: page render and edit-recompute times for the built-in model, with baselines.

Run: ``.venv/bin/python bench/bench_web.py [--repeat N]``. Prints medians in milliseconds next to
the same-run baselines: the raw engine call (compile, search, claims) and a trivial API request
(the HTTP stack alone). Targets: pages < 300 ms, edit and recompute < 200 ms.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import warnings
from collections.abc import Callable

warnings.filterwarnings("ignore")

from fastapi.testclient import TestClient  # noqa: E402

from upheaval import cib  # noqa: E402
from upheaval._load import load  # noqa: E402
from upheaval.claims import check_claims  # noqa: E402
from upheaval.web import create_app  # noqa: E402


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``fn`` in milliseconds (after one warm-up call)."""
    fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    """Measure and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    n = parser.parse_args().repeat

    system = load()

    def raw_engine() -> None:
        compiled = cib.compile_system(system)
        cib.find_consistent(compiled)
        check_claims(system, compiled)

    engine = median_ms(raw_engine, n)
    search = median_ms(lambda: cib.find_consistent(cib.compile_system(system)), n)

    client = TestClient(create_app(root=tempfile.mkdtemp()), base_url="http://127.0.0.1:8000")
    first = client.get("/api/scenarios").json()["scenarios"][0]["variants"]
    trivial = median_ms(lambda: client.get("/api/model"), n)
    pages = {
        "/system": "/system",
        "/matrix": "/matrix",
        "/scenarios": "/scenarios",
        "/scenarios (front fixed)": "/scenarios?fix=front.destabilises",
        "/claims": "/claims",
        "/scenario/S1": "/scenario/" + ",".join(first),
    }
    print(
        f"built-in model: {len(system.descriptors)} descriptors, {system.n_scenarios:,} scenarios, "
        f"{len(system.claims)} claims; medians of {n} runs"
    )
    print(f"{'baseline: raw engine (compile + search + claims)':58s} {engine:8.1f} ms")
    print(f"{'baseline: raw engine search only (compile + search)':58s} {search:8.1f} ms")
    print(f"{'baseline: trivial API request (GET /api/model)':58s} {trivial:8.1f} ms")
    for label, url in pages.items():
        ms = median_ms(lambda url=url: client.get(url).raise_for_status(), n)
        print(f"{'page ' + label:58s} {ms:8.1f} ms  {'ok' if ms < 300 else 'OVER'} (target < 300)")

    cell = {
        "source": "dprk_role",
        "source_variant": "troops",
        "target": "ru_manpower",
        "target_variant": "no_mobilisation",
    }
    values = iter([-3, 2] * (n + 2))

    def edit_and_recompute() -> None:
        client.post("/api/edit/impact", json={**cell, "value": next(values)}).raise_for_status()
        client.get("/api/scenarios").raise_for_status()
        client.get("/api/claims").raise_for_status()

    ms = median_ms(edit_and_recompute, n)
    print(
        f"{'edit a judgement + recompute scenarios and claims (API)':58s} {ms:8.1f} ms  "
        f"{'ok' if ms < 200 else 'OVER'} (target < 200)"
    )

    def edit_and_page() -> None:
        client.post("/api/edit/impact", json={**cell, "value": next(values)}).raise_for_status()
        client.get("/claims/table").raise_for_status()
        client.get("/ui/status").raise_for_status()

    ms = median_ms(edit_and_page, n)
    print(
        f"{'edit a judgement + refreshed claims and status fragments':58s} {ms:8.1f} ms  "
        f"{'ok' if ms < 200 else 'OVER'} (target < 200)"
    )


if __name__ == "__main__":
    main()
