"""Figures of the decision analyses (matplotlib, Agg): the lever map, the picks' coverage, a shock's flow, disagreement."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from matplotlib.path import Path as MplPath

from upheaval.report._figures import BASE_FONT, OKABE_ITO
from upheaval.report._svg import PICK_COLOURS, left_alone_words, lever_facts, lever_rows, pick_heading, pick_points

__all__ = ["disagreement_figure", "lever_figure", "pick_figure", "shock_figure"]

LASTING = OKABE_ITO["blue"]
HELD = OKABE_ITO["grey"]
TARGET = OKABE_ITO["orange"]


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width=width, break_long_words=True)) or text


def _no_frame(ax) -> None:
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_visible(False)


# --------------------------------------------------------------------------- levers


def lever_figure(
    res: Any,
    shares: dict[bytes, float] | None = None,
    *,
    link: Callable[[Any], str] | None = None,
    basin_note: str = "",
    max_rows: int = 16,
) -> Figure:
    """The lever map: the start on the left, where each lever leads on the right, the levers on the arrows.

    ``res`` is a :class:`upheaval.analysis.Levers`. Each destination is a node sized by its basin
    share (``shares``, keyed by the index row's bytes), hollow when it holds only while the lever
    is held. Solid blue arrows lead to futures that stay once the lever is let go, dashed orange
    ones to scenarios that tip the system into another future when let go, and the levers that
    change nothing for good (let go, the system returns) share one dotted grey row. With a
    target only the smallest lever sets to it are drawn. ``link(lever)`` gives each lever's label
    a URL (in SVG output the label is a link: the web page applies the lever when it is clicked).
    """
    labels = res.labels
    order, left_out = lever_rows(res, max_rows)
    ys, bottom = [], 0.0  # each row as tall as its stack of lever labels
    for _, group in order:
        lines = min(len(group), 4 if len(group) == 4 else 3) + (len(group) > 4)
        ys.append(bottom + 0.27 * lines + 0.25)
        bottom = ys[-1] + 0.5
    span = max(bottom, 1.4)
    height = max(4.4, 0.62 * span + 2.2)
    fig = Figure(figsize=(12.5, height))
    ax = fig.add_axes((0.01, 1.0 / height, 0.98, 1 - 1.75 / height))
    ax.set_xlim(-0.32, 1.78)
    ax.set_ylim(span, -0.15)
    _no_frame(ax)
    y0 = span / 2
    ax.scatter([0], [y0], s=1000, c=OKABE_ITO["yellow"], edgecolors="black", linewidths=1.2, zorder=4)
    ax.text(0, y0, "start", ha="center", va="center", fontsize=BASE_FONT - 1, fontweight="bold", zorder=5)
    ax.text(-0.02, y0 + 0.45, _wrap(res.start_words, 24), ha="center", va="top",
            fontsize=BASE_FONT - 1)  # fmt: skip
    base = res.baseline
    alone = left_alone_words(res, labels)
    ax.text(-0.02, y0 - 0.5, alone, ha="center", va="bottom", fontsize=BASE_FONT - 1, style="italic", color="#444444")
    biggest = max([*(shares or {}).values(), 1e-9])
    styles = {"lasting": (LASTING, "-"), "tipping": (TARGET, (0, (5, 2))), "held": (HELD, (0, (1.5, 2))),
              "cycle": (HELD, (0, (1.5, 2)))}  # fmt: skip
    back = labels.key(base.scenario) if base.end_kind == "consistent" else "a cycle"
    for (key, group), row in zip(order, ys, strict=True):
        kind = key[0]
        colour, dash = styles[kind]
        lv0 = group[0]
        verts = [(0.06, y0), (0.32, y0), (0.30, row), (0.56, row), (0.97, row)]
        codes = [MplPath.MOVETO, MplPath.CURVE4, MplPath.CURVE4, MplPath.CURVE4, MplPath.LINETO]
        ax.add_patch(FancyArrowPatch(path=MplPath(verts, codes), arrowstyle="-|>", mutation_scale=14, color=colour,
                                     lw=1.3 + 0.45 * min(len(group), 4), linestyle=dash, zorder=2))  # fmt: skip
        texts = [res.change_text(lv) + (f" ({' '.join(lv.actors)})" if lv.actors else "") for lv in group]
        shown_here = group[: 4 if len(group) == 4 else 3]
        for k, lv in enumerate(shown_here):
            artist = ax.text(0.945, row - 0.1 - 0.25 * (len(shown_here) - 1 - k), texts[k], ha="right", va="bottom",
                             fontsize=BASE_FONT - 1, zorder=5,
                             bbox={"boxstyle": "round,pad=0.12", "fc": "white", "ec": "none", "alpha": 0.85})  # fmt: skip
            if link is not None:  # the label and its box are the link (glyphs alone are thin to click)
                artist.set_url(link(lv))
                artist.get_bbox_patch().set_url(link(lv))
        shown_n = len(shown_here)
        if len(group) > shown_n:
            ax.text(0.945, row + 0.08, f"+ {len(group) - shown_n} more", ha="right", va="top",
                    fontsize=BASE_FONT - 2, color="#555555")  # fmt: skip
        if kind in ("held", "cycle") and key == ("held",):
            ax.scatter([1.0], [row], s=130, marker="s", c="white", edgecolors=HELD, linewidths=1.2, zorder=4)
            ax.text(1.05, row - 0.05, f"hold only while held ({len(group)} lever{'s' if len(group) != 1 else ''})",
                    ha="left", va="bottom", fontsize=BASE_FONT)  # fmt: skip
            ax.text(1.05, row + 0.05, f"let go: back to {back}", ha="left", va="top", fontsize=BASE_FONT - 2,
                    color="#444444")  # fmt: skip
            continue
        if lv0.end is None:
            ax.text(1.0, row, "runs round a cycle", ha="left", va="center", fontsize=BASE_FONT, color="#555555")
            continue
        is_target = res.target is not None and res.reaches(lv0)
        share = (shares or {}).get(lv0.end.tobytes())
        inside = labels.inside(lv0.end)
        size = 120 + 1000 * (share / biggest) ** 0.5 if share else 120
        face = (TARGET if is_target and kind == "lasting" else LASTING) if inside else "white"
        ax.scatter([1.0], [row], s=size, c=face, edgecolors="black", linewidths=1.0, linestyle="-" if inside else "--",
                   zorder=4)  # fmt: skip
        ax.text(1.05, row - 0.05, _wrap(labels.label(lv0.end), 44), ha="left", va="bottom", fontsize=BASE_FONT,
                fontweight="bold" if is_target else "normal")  # fmt: skip
        facts = lever_facts(lv0, share, inside, kind, labels)
        ax.text(1.05, row + 0.05, _wrap(" · ".join(facts), 64), ha="left", va="top", fontsize=BASE_FONT - 2,
                color="#444444", fontweight="bold" if kind == "tipping" else "normal")  # fmt: skip
    if not order:
        ax.text(0.6, y0, "no lever set reaches it", ha="center", va="center", fontsize=BASE_FONT)
    head = (f"What it takes to reach {res.target.description}" if res.target is not None
            else f"Levers from {res.start_text}: where each one leads")  # fmt: skip
    fig.suptitle(head, fontsize=BASE_FONT + 3, y=1 - 0.28 / height)
    handles = [
        Line2D([], [], color=LASTING, lw=2, label="stays once the lever is let go"),
        Line2D([], [], color=TARGET, lw=2, linestyle=(0, (5, 2)), label="let go, it tips into another future"),
        Line2D([], [], color=HELD, lw=2, linestyle=(0, (1.5, 2)), label="holds only while held"),
        Line2D(
            [],
            [],
            marker="o",
            color="w",
            markerfacecolor=LASTING,
            markeredgecolor="black",
            markersize=11,
            label="size: basin (starts ending there)",
        ),
    ]
    fig.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.01, 0.0), ncol=4, frameon=False,
               fontsize=BASE_FONT - 1)  # fmt: skip
    note = "; ".join(x for x in (basin_note, f"{left_out} more destinations not drawn" if left_out else "") if x)
    if note:
        fig.text(0.99, 0.3 / height, note, ha="right", va="bottom", fontsize=BASE_FONT - 2, color="#555555")
    return fig


# --------------------------------------------------------------------------- picks


def pick_figure(res: Any) -> Figure:
    """The picks on a map of every candidate (classical MDS of their distances), each scenario tied to its nearest
    pick, and beside it how many scenarios each pick covers and how far the farthest lies."""
    rows = res.scenarios
    n = len(rows)
    fig = Figure(figsize=(12, 7.2))
    ax = fig.add_axes((0.04, 0.1, 0.62, 0.78))
    side = fig.add_axes((0.74, 0.1, 0.24, 0.78))
    xy = pick_points(res)
    colour = {p: PICK_COLOURS[m % len(PICK_COLOURS)] for m, p in enumerate(res.picks)}
    for s in range(n):
        if s in colour:
            continue
        p = res.picks[int(res.nearest[s])]
        ax.plot(*zip(xy[s], xy[p], strict=True), color=colour[p], lw=0.8, alpha=0.5, zorder=1)
        ax.scatter(*xy[s], s=40, c=colour[p], alpha=0.55, edgecolors="none", zorder=2)
        if n <= 40:
            ax.annotate(res.labels.key(rows[s]), xy[s], xytext=(3, 3), textcoords="offset points",
                        fontsize=BASE_FONT - 2, color="#444444")  # fmt: skip
    middle = (xy[:, 0].min() + xy[:, 0].max()) / 2
    for p in res.picks:
        ax.scatter(*xy[p], s=320, marker="*", c=colour[p], edgecolors="black", linewidths=0.9, zorder=4)
        right = xy[p, 0] > middle  # labels of points on the right half go to their left, inside the axes
        ax.annotate(_wrap(res.label(p), 30), xy[p], xytext=(-9 if right else 9, 6), textcoords="offset points",
                    ha="right" if right else "left",
                    fontsize=BASE_FONT, fontweight="bold", zorder=5,
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": colour[p], "alpha": 0.9})  # fmt: skip
    ax.set_xlabel("MDS axis 1 (descriptors that differ)", fontsize=BASE_FONT - 1)
    ax.set_ylabel("MDS axis 2", fontsize=BASE_FONT - 1)
    ax.tick_params(labelsize=BASE_FONT - 2)
    ax.grid(True, color="#EEEEEE")
    ax.margins(0.12)
    covered = [[s for s in range(n) if res.picks[int(res.nearest[s])] == p and s != p] for p in res.picks]
    ys = np.arange(len(res.picks))
    side.barh(ys, [len(c) for c in covered], color=[colour[p] for p in res.picks], edgecolor="black", lw=0.6)
    for y, c in zip(ys, covered, strict=True):
        far = max((res.distance[s] for s in c), default=0)
        side.text(len(c) + 0.1, y, f"  {len(c)}, farthest {far:g} away", va="center", fontsize=BASE_FONT - 1)
    side.set_yticks(ys, [res.labels.key(res.scenarios[p]) for p in res.picks], fontsize=BASE_FONT)
    side.invert_yaxis()
    side.set_xlabel("scenarios nearest to each pick", fontsize=BASE_FONT - 1)
    side.set_xlim(0, max([len(c) for c in covered] + [1]) * 1.9 + 1)
    side.tick_params(axis="x", labelsize=BASE_FONT - 2)
    for spine in ("top", "right"):
        side.spines[spine].set_visible(False)
    head = pick_heading(res)
    fig.suptitle(head, fontsize=BASE_FONT + 2)

    how = ("exact: every subset accounted for" if res.exact
           else f"heuristic; no {len(res.picks)} picks can differ pairwise in more than {res.upper_bound:g}")  # fmt: skip
    fig.text(0.99, 0.01, how, ha="right", va="bottom", fontsize=BASE_FONT - 2, color="#555555")
    return fig


# --------------------------------------------------------------------------- shocks


def _box(ax, x: float, y: float, text: str, *, edge: str = "black", face: str = "white", bold: bool = False) -> None:
    ax.add_patch(FancyBboxPatch((x - 0.42, y - 0.3), 0.84, 0.6, boxstyle="round,pad=0.02,rounding_size=0.08",
                                fc=face, ec=edge, lw=1.6 if bold else 1.0, zorder=3))  # fmt: skip
    ax.text(x, y, _wrap(text, 30), ha="center", va="center", fontsize=BASE_FONT - 1,
            fontweight="bold" if bold else "normal", zorder=4)  # fmt: skip


def shock_figure(res: Any) -> Figure:
    """Before, while the shock lasts, after it lifts: each consistent scenario (and the present) as a box on the
    left, where succession takes it under the shock in the middle, where it goes once the shock lifts on the
    right; red arrows for scenarios the shock makes inconsistent."""
    label = res.label
    starts = [label(p.start) for p in res.paths]
    during = list(dict.fromkeys(label(p.during) for p in res.paths))
    after = list(dict.fromkeys(label(p.after) for p in res.paths))
    rows = max(len(starts), len(during), len(after), 1)
    height = max(4.0, 0.78 * rows + 1.6)
    fig = Figure(figsize=(12, height))
    ax = fig.add_axes((0.01, 0.35 / height, 0.98, 1 - 1.2 / height))
    ax.set_xlim(-0.55, 4.55)
    ax.set_ylim(rows - 0.4, -0.9)
    _no_frame(ax)

    def ys(items: list[str]) -> dict[str, float]:
        off = (rows - len(items)) / 2
        return {t: off + k for k, t in enumerate(items)}

    y_start = {k: (rows - len(starts)) / 2 + k for k in range(len(starts))}
    y_during, y_after = ys(during), ys(after)
    for x, head in ((0, "consistent before"), (2, "while the shock lasts"), (4, "after it lifts")):
        ax.text(x, -0.65, head, ha="center", va="center", fontsize=BASE_FONT + 1, fontweight="bold")
    for k, p in enumerate(res.paths):
        is_present = k == res.present
        text = starts[k] + (" (the present)" if is_present else "")
        _box(ax, 0, y_start[k], text, edge=OKABE_ITO["black"] if p.survives else OKABE_ITO["vermillion"],
             face="#FFF7D6" if is_present else "white", bold=is_present)  # fmt: skip
        colour = OKABE_ITO["vermillion"] if not p.survives else OKABE_ITO["grey"]
        ax.add_patch(FancyArrowPatch((0.44, y_start[k]), (1.56, y_during[label(p.during)]), arrowstyle="-|>",
                                     mutation_scale=12, color=colour, lw=1.4, connectionstyle="arc3,rad=0.05",
                                     zorder=2))  # fmt: skip
    for p in res.paths:
        a, b = y_during[label(p.during)], y_after[label(p.after)]
        ax.add_patch(FancyArrowPatch((2.44, a), (3.56, b), arrowstyle="-|>", mutation_scale=12,
                                     color=OKABE_ITO["blue"], lw=1.2, alpha=0.7, zorder=2))  # fmt: skip
    outside = {label(r) for r in res.new}
    for t, y in y_during.items():
        _box(ax, 2, y, t, edge=OKABE_ITO["vermillion"] if t in outside or t.startswith("X") else "black")
    for t, y in y_after.items():
        _box(ax, 4, y, t)
    s = res.shock
    forced = ", ".join(f"{res.cim.descriptor_ids[i]}={'|'.join(res.cim.variant_ids[i][v] for v in vs)}"
                       for i, vs in res.fix.items())  # fmt: skip
    fig.suptitle(f"Shock: {s.label} — {len(res.survivors)} of {len(res.baseline)} futures survive",
                 fontsize=BASE_FONT + 3, y=1 - 0.2 / height)  # fmt: skip
    sub = "; ".join(x for x in (f"forces {forced}" if forced else "",
                                f"adds {len(s.impacts)} judgement section{'s' if len(s.impacts) != 1 else ''}"
                                if s.impacts else "") if x)  # fmt: skip
    fig.text(0.5, 1 - 0.55 / height, sub + "; red: made inconsistent by the shock (X: holds only while it lasts)",
             ha="center", va="center", fontsize=BASE_FONT - 1, color="#444444")  # fmt: skip
    return fig


# --------------------------------------------------------------------------- disagreement


def disagreement_figure(res: Any, top: int = 15) -> Figure:
    """The disputed cells, those that matter first: each expert's value on the scale (left) and how many
    scenarios the choice between their values decides (right)."""
    cells = res.cells[:top]
    n = max(len(cells), 1)
    height = max(3.4, 0.42 * n + 1.9)
    fig = Figure(figsize=(12, height))
    ax = fig.add_axes((0.33, 1.1 / height, 0.38, 1 - 1.8 / height))
    bar = fig.add_axes((0.74, 1.1 / height, 0.22, 1 - 1.8 / height), sharey=ax)
    scale = max(c.scale for c in res.cims)
    ys = np.arange(len(cells))
    markers = ["o", "s", "D", "^", "v", "P", "X", "*"]
    for m, name in enumerate(res.names):
        vals = [c.values[m] for c in cells]
        jitter = (m - (len(res.names) - 1) / 2) * 0.12
        ax.scatter(vals, ys + jitter, marker=markers[m % len(markers)], s=55, zorder=3,
                   color=PICK_COLOURS[m % len(PICK_COLOURS)], edgecolors="black", linewidths=0.5, label=name)  # fmt: skip
    for y, c in zip(ys, cells, strict=True):
        ax.plot([min(c.values), max(c.values)], [y, y], color="#BBBBBB", lw=3, zorder=1, solid_capstyle="round")
    ax.axvline(0, color="#888888", lw=0.8)
    ax.set_xlim(-scale - 0.5, scale + 0.5)
    ax.set_xticks(range(-scale, scale + 1))
    ax.set_yticks(ys, [f"{c.row} → {c.column}" for c in cells], fontsize=BASE_FONT - 1)
    ax.invert_yaxis()
    ax.set_xlabel("each expert's judgement", fontsize=BASE_FONT - 1)
    ax.grid(True, axis="x", color="#EEEEEE")
    ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=min(len(res.names), 4), frameon=False,
              fontsize=BASE_FONT - 1)  # fmt: skip
    effects = [c.effect for c in cells]
    bar.barh(ys, effects, color=[OKABE_ITO["vermillion"] if e else "#DDDDDD" for e in effects], edgecolor="black",
             lw=0.5)  # fmt: skip
    for y, c in zip(ys, cells, strict=True):
        names = ", ".join(res.labels.key(r) for r in c.changed[:3]) + (" ..." if len(c.changed) > 3 else "")
        bar.text(c.effect, y, f" {c.effect}" + (f": {names}" if names else ""), va="center", fontsize=BASE_FONT - 1)
    bar.set_xlabel("scenarios it decides", fontsize=BASE_FONT - 1)
    bar.set_xlim(0, max(effects + [1]) * 2.2)
    from matplotlib.ticker import MaxNLocator

    bar.xaxis.set_major_locator(MaxNLocator(integer=True))
    bar.tick_params(axis="y", left=False, labelleft=False)
    for a in (ax, bar):
        for spine in ("top", "right"):
            a.spines[spine].set_visible(False)
    fig.suptitle(f"Where {len(res.names)} experts disagree: {len(res.mattering)} of {len(res.cells)} disputed "
                 f"judgements change the consistent set", fontsize=BASE_FONT + 2, y=1 - 0.2 / height)  # fmt: skip
    if len(res.cells) > top:
        fig.text(
            0.99, 0.01, f"{len(res.cells) - top} more disputed cells not drawn", ha="right", fontsize=BASE_FONT - 2
        )
    return fig
