"""Figures and HTML for event data: the tracking timeline and section, and a dyad's event series."""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path
from typing import Any

import numpy as np

from upheaval.events._summary import QUADS
from upheaval.events._track import Tracking

__all__ = ["dyad_figure", "tracking_figure", "tracking_html"]


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
