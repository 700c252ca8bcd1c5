"""Figures and HTML for event data: the tracking timeline and section, and a dyad's event series."""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # the event modules load Ibis: imported where a function needs them
    from upheaval.events import Tracking

__all__ = [
    "dyad_figure",
    "probability_figure",
    "signpost_figure",
    "tracking_context",
    "tracking_figure",
    "tracking_html",
]


def tracking_figure(result: Tracking, path: str | Path | None = None) -> Any:
    """A timeline: compatible scenarios per period (top) and which indicators signal (bottom).

    Saved to ``path`` (PNG or SVG by its suffix) when given; the matplotlib Figure is returned.
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    periods = result.periods
    ids = [v.id for v in periods[0].indicators] if periods else []
    starts = [p.period.start for p in periods]
    fig, (ax1, ax2) = plt.subplots(
        2, 1, figsize=(9, 2.6 + 0.28 * len(ids)), sharex=True, gridspec_kw={"height_ratios": [1, max(1, len(ids) / 5)]}
    )
    counts = [len(p.scenarios) for p in periods]
    conflict = [bool(p.conflicts) for p in periods]
    x = np.arange(len(periods))
    ax1.step(x, counts, where="mid", color="#1f4e79")
    ax1.scatter(x, counts, c=["#c0392b" if c else "#1f4e79" for c in conflict], zorder=3, s=18)
    ax1.axhline(result.n_consistent, color="grey", lw=0.8, ls="--")
    ax1.set_ylabel("scenarios left")
    ax1.set_ylim(0, max([result.n_consistent, *counts]) + 1)
    ax1.set_title(f"Tracking {result.system.id}: consistent scenarios compatible with the observations")
    grid = np.full((len(ids), len(periods)), np.nan)
    for k, p in enumerate(periods):
        for r, v in enumerate(p.indicators):
            grid[r, k] = np.nan if v.value is None else (1.0 if v.signals else 0.0)
    from matplotlib.colors import ListedColormap

    cmap = ListedColormap(["#e6e6e6", "#2e8b57"]).with_extremes(bad="white")
    ax2.imshow(np.ma.masked_invalid(grid), aspect="auto", cmap=cmap, vmin=0, vmax=1, interpolation="nearest")
    ax2.set_yticks(range(len(ids)), ids, fontsize=7)
    step = max(1, len(periods) // 12)
    ax2.set_xticks(x[::step], [s.isoformat() for s in starts][::step], rotation=45, ha="right", fontsize=7)
    ax2.set_xlabel("period start (green: indicator signals its variant; grey: it does not; white: no data)")
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=120)
    return fig


_PALETTE = (
    "#1f4e79", "#c0392b", "#2e8b57", "#d68910", "#7d3c98", "#17a589", "#a04000", "#5d6d7e",
    "#b03a2e", "#1abc9c", "#f4d03f", "#34495e",
)  # fmt: skip


def _future_label(label: str, name: str | None) -> str:
    return f"{label} · {name}" if name else label


def probability_figure(result: Tracking, path: str | Path | None = None, *, top: int = 8) -> Any:
    """The probability of each future over time (stacked areas), with the evidence marked below.

    The ``top`` futures most probable in some period get their own colour, the rest are summed
    as "other futures". The lower panel marks each indicator per period: a filled triangle where
    its rule holds (up if the update raised its variant's odds, down if it lowered them), a dot
    where it was measured and did not hold, nothing where the data do not cover the window.
    Saved to ``path`` (PNG or SVG by its suffix) when given; the matplotlib Figure is returned.
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    periods = result.periods
    probs = np.array([p.belief.probabilities for p in periods]) if periods else np.zeros((0, 0))
    n = probs.shape[1] if probs.size else 0
    order = list(np.argsort(-probs.max(axis=0))) if n else []
    shown = order[:top]
    rest = order[top:]
    ids = [i.id for i in result.system.indicators]
    fig, (ax, ax2) = plt.subplots(
        2,
        1,
        figsize=(9.5, 3.6 + 0.22 * len(ids)),
        sharex=True,
        gridspec_kw={"height_ratios": [2.2, max(1.0, len(ids) / 6)]},
    )
    x = np.arange(len(periods))
    layers = [probs[:, k] for k in shown]
    labels = [_future_label(*result.labels[k]) for k in shown]
    colours = [_PALETTE[j % len(_PALETTE)] for j in range(len(shown))]
    if rest:
        layers.append(probs[:, rest].sum(axis=1))
        labels.append(f"{len(rest)} other futures")
        colours.append("#d5d8dc")
    if layers:
        ax.stackplot(x, np.array(layers), labels=labels, colors=colours, alpha=0.9, step=None)
    ax.set_ylim(0, 1)
    ax.set_xlim(-0.3, max(len(x) - 1, 0) + 0.3)  # room for the markers of the first and last periods
    ax.set_ylabel("probability")
    ax.set_title(
        f"{result.system.id}: probability of each future (prior {result.prior_kind}, floor {result.floor:g})",
        fontsize=10,
    )
    handles, names = ax.get_legend_handles_labels()  # listed top to bottom, as stacked
    ax.legend(handles[::-1], names[::-1], loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, frameon=False)
    for k, p in enumerate(periods):
        if p.alerts:
            ax.axvline(k, color="#c0392b", lw=0.8, ls=":")
            ax.text(k, 1.01, "alert", color="#c0392b", fontsize=6, ha="center", va="bottom")
    for r, ind in enumerate(ids):
        for k, p in enumerate(periods):
            u = next((u for u in p.belief.updates if u.indicator == ind), None)
            if u is None:
                continue
            if u.holds:
                up = u.ratio is None or u.ratio >= 1
                ax2.scatter(k, r, marker="^" if up else "v", color="#2e8b57" if up else "#c0392b", s=30, zorder=3)
            else:
                ax2.scatter(k, r, marker="o", color="#bfc9ca", s=8, zorder=2)
    ax2.set_yticks(range(len(ids)), ids, fontsize=7)
    ax2.set_ylim(len(ids) - 0.5, -0.5)
    ax2.grid(axis="y", color="#f2f3f4", lw=0.6)
    step = max(1, len(periods) // 12)
    ax2.set_xticks(
        x[::step], [p.period.start.isoformat() for p in periods][::step], rotation=45, ha="right", fontsize=7
    )
    ax2.set_xlabel("period start   ▲ rule holds (raises its variant)   · measured, does not hold", fontsize=8)
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=120)
    return fig


def signpost_figure(result: Any, path: str | Path | None = None) -> Any:
    """The signpost matrix: indicators (rows, ranked by diagnosticity) × futures (columns), each cell
    P(the indicator's rule holds | the future); the bits of each indicator on the right."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    m = result.matrix
    rows = [s.indicator for s in result.ranked]
    cols = [_future_label(*lab) for lab in result.labels]
    fig, ax = plt.subplots(figsize=(2.8 + 0.55 * max(len(cols), 3), 1.4 + 0.3 * max(len(rows), 2)))
    im = ax.imshow(m, aspect="auto", cmap="RdYlGn", vmin=0, vmax=1, interpolation="nearest")
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            ax.text(j, i, f"{m[i, j]:.2f}", ha="center", va="center", fontsize=6, color="black")
    ax.set_yticks(
        range(len(rows)),
        [f"{r}  ({s.diagnosticity:.2f} bits)" for r, s in zip(rows, result.ranked, strict=True)],
        fontsize=7,
    )
    ax.set_xticks(range(len(cols)), cols, rotation=45, ha="right", fontsize=7)
    ax.set_title(f"{result.system.id}: signposts (P(rule holds | future))", fontsize=9)
    fig.colorbar(im, ax=ax, fraction=0.04, pad=0.02)
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=120)
    return fig


def _tint(p: float) -> str:
    """A background for a probability: red (0) through pale yellow (0.5) to green (1), light enough for text."""
    lo, mid, hi = (0xF4, 0xA5, 0x82), (0xFF, 0xF7, 0xC2), (0x9F, 0xD8, 0x9F)
    a, b, t = (lo, mid, p / 0.5) if p < 0.5 else (mid, hi, (p - 0.5) / 0.5)
    return "#" + "".join(f"{round(x + (y - x) * t):02X}" for x, y in zip(a, b, strict=True))


def _png(fig: Any, dpi: int = 110) -> str:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


def tracking_html(result: Tracking, *, figure: bool = True) -> str:
    """An HTML section (``<section class="tracking">``) for a report: timeline figure, periods, indicators."""
    e = html.escape
    parts = ['<section class="tracking">', f"<h2>Tracking {e(result.system.id)} against event data</h2>"]
    if figure and result.periods:
        import matplotlib.pyplot as plt

        fig = tracking_figure(result)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=110)
        plt.close(fig)
        data = base64.b64encode(buf.getvalue()).decode()
        parts.append(f'<figure><img alt="tracking timeline" src="data:image/png;base64,{data}"></figure>')
    parts.append(
        "<table><thead><tr><th>period</th><th>observed variants</th><th>scenarios left</th>"
        "<th>conflicts</th></tr></thead><tbody>"
    )
    for p in result.periods:
        obs = ", ".join(f"{e(d)}={e(v)}" for d, v in p.observed.items()) or "none"
        conf = "; ".join(_conflict_text(c) for c in p.conflicts) or ""
        parts.append(
            f"<tr><td>{p.period.start}–{p.period.end}</td><td>{obs}</td>"
            f'<td style="text-align:right">{len(p.scenarios)}</td><td>{e(conf)}</td></tr>'
        )
    parts.append("</tbody></table>")
    parts.append("<h3>Indicators</h3><ul>")
    for ind in result.system.indicators:
        cites = "; ".join(
            f"{e(c.source)}, {e(c.section or '')}" + (f" ¶{c.paragraph}" if c.paragraph else "") for c in ind.cites
        )
        parts.append(
            f"<li><b>{e(ind.id)}</b> ({e(ind.label)}) signals <code>{e(ind.signals)}</code>: "
            f"{e(ind.measure)} over {e(ind.window)} {e(ind.rule.op)} "
            f"{e(str(ind.rule.threshold if ind.rule.threshold is not None else ''))}. {e(ind.rationale)} "
            f"<small>[{cites}]</small></li>"
        )
    parts.append("</ul></section>")
    return "\n".join(parts)


def _conflict_text(c: dict[str, Any]) -> str:
    if c["kind"] == "two-variants":
        return f"{c['descriptor']}: {' vs '.join(c['variants'])} ({', '.join(c['indicators'])})"
    return "no consistent scenario with all observations fixed"


def dyad_figure(series: list[dict[str, Any]], title: str, path: str | Path | None = None) -> Any:
    """Stacked bars of events by quad class with the mean intensity as a line; saved to ``path`` if given."""
    import matplotlib

    from upheaval.events import QUADS

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    x = np.arange(len(series))
    fig, ax = plt.subplots(figsize=(9, 3.6))
    bottom = np.zeros(len(series))
    colours = ("#7fb3d5", "#1f618d", "#f5b041", "#c0392b")
    for q, c in zip(QUADS, colours, strict=True):
        h = np.array([r[q] for r in series], dtype=float)
        ax.bar(x, h, bottom=bottom, color=c, label=q.replace("_", " "))
        bottom += h
    ax.set_ylabel("events")
    ax2 = ax.twinx()
    mean = [np.nan if r["mean_intensity"] is None else r["mean_intensity"] for r in series]
    ax2.plot(x, mean, color="black", marker="o", ms=3, lw=1, label="mean intensity")
    ax2.set_ylim(-10.5, 10.5)
    ax2.axhline(0, color="grey", lw=0.5)
    ax2.set_ylabel("mean intensity (Goldstein)")
    step = max(1, len(series) // 12)
    ax.set_xticks(x[::step], [r["start"] for r in series][::step], rotation=45, ha="right", fontsize=7)
    ax.set_title(title)
    ax.legend(loc="upper left", fontsize=7)
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=120)
    return fig


def tracking_context(system: Any, consistent: Any, tracking: Tracking | None = None, *, figures: bool = True) -> dict:
    """What the report's "Signposts and tracking" section shows: the signposts of ``system``'s
    indicators over ``consistent`` (ranked, with the pairs no indicator separates and the matrix
    figure) and, given a ``tracking`` result, each period's most probable futures, the latest
    probabilities, the latest evidence and the probability figure. Figures are matplotlib
    Figures (the caller embeds them)."""
    from upheaval.events import signposts, variant_probabilities

    sign = signposts(system, consistent)
    n_pairs = len(consistent) * (len(consistent) - 1) // 2
    out: dict[str, Any] = {
        "signposts": [
            {
                "indicator": s.indicator,
                "signals": s.signals,
                "bits": f"{s.diagnosticity:.3f}",
                "spread": f"{s.spread:.2f}",
                "pairs": f"{len(s.separates)}/{n_pairs}",
            }
            for s in sign.ranked
        ],
        "unseparated": [
            f"{_future_label(a, dict(sign.labels)[a])} and {_future_label(b, dict(sign.labels)[b])}"
            for a, b in sign.unseparated
        ],
        "prior": system.tracking.prior if isinstance(system.tracking.prior, str) else "weights",
        "floor": sign.floor,
        "signpost_matrix": {
            "columns": [label for label, _name in sign.labels],
            "titles": [_future_label(*lab) for lab in sign.labels],
            "rows": [
                {"indicator": s.indicator, "cells": [{"p": f"{p:.2f}", "tint": _tint(p)} for p in sign.matrix[k]]}
                for k, s in enumerate(sign.ranked)
            ],
        },
        "periods": [],
    }
    if tracking is None or not tracking.periods:
        return out
    rows = []
    for p in tracking.periods:
        probs = p.belief.probabilities
        cut = np.sort(probs)[-min(3, len(probs))] * (1 - 1e-9) if len(probs) else 0.0
        order = [k for k in np.argsort(-probs, kind="stable") if probs[k] >= cut]  # the top three, and any tie
        rows.append(
            {
                "start": p.period.start.isoformat(),
                "end": p.period.end.isoformat(),
                "top": ", ".join(f"{_future_label(*tracking.labels[k])} {probs[k]:.2f}" for k in order),
                "holding": ", ".join(u.indicator for u in p.belief.updates if u.holds) or "none",
                "alerts": "; ".join(a["alert"] for a in p.alerts),
                "filter": len(p.scenarios),
            }
        )
    last = tracking.periods[-1]
    out["periods"] = rows
    out["latest"] = [
        {"label": _future_label(*lab), "prior": f"{p0:.3f}", "now": f"{p1:.3f}"}
        for lab, p0, p1 in sorted(
            zip(tracking.labels, tracking.prior, last.belief.probabilities, strict=True), key=lambda r: -r[2]
        )
    ]
    out["latest_variants"] = {
        d: ", ".join(f"{v} {x:.2f}" for v, x in vs.items())
        for d, vs in variant_probabilities(tracking.consistent, last.belief.probabilities).items()
    }
    out["evidence"] = [
        {
            "indicator": u.indicator,
            "value": "" if u.value is None else f"{u.value:g}",
            "holds": "holds" if u.holds else "does not hold",
            "ratio": "" if u.ratio is None else f"{u.ratio:.3g}",
            "events": ", ".join(f"{e['dataset']}:{e['id']} ({e['date']})" for e in u.events[:5])
            + (f" … {u.n_events} in all" if u.n_events > 5 else ""),
        }
        for u in last.belief.updates
    ]
    out["latest_period"] = f"{last.period.start} – {last.period.end}"
    out["n_consistent"] = tracking.n_consistent
    out["prior"] = tracking.prior_kind
    out["probability_figure"] = probability_figure(tracking) if figures else None
    return out
