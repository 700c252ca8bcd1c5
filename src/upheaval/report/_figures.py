"""Figures of a system (matplotlib, Agg): network, matrix, tableau, impact diagram, landscape, claims."""

from __future__ import annotations

import io
import math
import textwrap
from pathlib import Path

import networkx as nx
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, Patch, Rectangle

from upheaval import cib
from upheaval._io import write_text_atomic
from upheaval._system_arg import accepts_system
from upheaval.errors import UpheavalError
from upheaval.model import System
from upheaval.report._svg import (
    CAMP_COLOURS,
    HINDER,
    OKABE_ITO,
    PROMOTE,
    TIE_GROUPS,
    ImpactLayout,
    _network_layout,
    _tie_style,
    impact_layout,
    impact_svg,
    landscape_svg,
)

__all__ = [
    "FIGURES",
    "OKABE_ITO",
    "ImpactLayout",
    "claims_figure",
    "figure_bytes",
    "impact_figure",
    "impact_layout",
    "impact_svg",
    "landscape_figure",
    "landscape_svg",
    "matrix_figure",
    "network_figure",
    "save_figure",
    "tableau_figure",
]

VARIANT_TINTS = ["#CFE8F7", "#FBE3B3", "#BFE6D8", "#F2CDE2", "#FAF6B5", "#E0E0E0"]
BASE_FONT = 10


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width=width, break_long_words=True)) or text


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def figure_bytes(fig: Figure, fmt: str = "png", dpi: int = 110, *, tight: bool = False) -> bytes:
    """Render a figure to PNG, SVG or PDF bytes.

    The figures lay themselves out in inches, so by default they are drawn once at their
    own size; ``tight=True`` trims the margins (at the cost of drawing twice).
    """
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=dpi, bbox_inches="tight" if tight else None, metadata=_metadata(fmt))
    return buf.getvalue()


def _metadata(fmt: str) -> dict | None:
    if fmt == "svg":
        return {"Date": None}
    if fmt == "png":
        return {"Software": None}
    return None


def save_figure(fig: Figure, path: str | Path, dpi: int = 150) -> Path:
    """Write a figure atomically; the suffix (``.png``, ``.svg``, ``.pdf``) picks the format."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("png", "svg", "pdf"):
        raise UpheavalError(f"cannot write a figure to {path.name}: use a .png, .svg or .pdf file name")
    write_text_atomic(path, figure_bytes(fig, fmt, dpi))
    return path


# --------------------------------------------------------------------------- network


@accepts_system("system", also=(nx.Graph,))
def network_figure(system: System | nx.MultiDiGraph, scenario=None, *, title: str | None = None) -> Figure:
    """The actor network: actors coloured by camp, ties styled by kind, quantities labelled.

    Camps come from :func:`upheaval.network.camps` (structural balance). Solid lines are
    reported ties, dotted ones options and plans; the arrow points from the acting actor.
    ``system`` may also be an actor network already built; otherwise ``scenario`` applies
    its variants' tie changes (see :func:`upheaval.network.actor_network`).
    """
    from upheaval.network import actor_network, camps, tie_quantity

    G = system if isinstance(system, nx.Graph) else actor_network(system, scenario)
    part = camps(G)
    declared = {
        d["kind"]: {
            "label": d["kind_label"],
            "style": d.get("kind_style", "solid"),
            "sign": "hostile" if d.get("polarity", 1) < 0 else "cooperative",
        }
        for _, _, d in G.edges(data=True)
        if d.get("kind_label")
    }
    camps = [c for c in part.camps if c != "unaligned"] + (["unaligned"] if "unaligned" in part.camps else [])
    colour = {c: CAMP_COLOURS[k % len(CAMP_COLOURS)] for k, c in enumerate(c for c in camps if c != "unaligned")}
    colour["unaligned"] = "#DDDDDD"
    pos = _network_layout(G, part.camp_of, camps)
    fig = Figure(figsize=(12, 9.5))
    ax = fig.add_axes((0.02, 0.16, 0.96, 0.78))
    ax.set_aspect("equal")
    ax.axis("off")
    if not G.number_of_nodes():
        ax.text(0.5, 0.5, "This model has no actors.", ha="center", va="center", transform=ax.transAxes)
        return fig
    pairs: dict[tuple[str, str], list] = {}
    for u, v, k, d in G.edges(keys=True, data=True):
        pairs.setdefault(tuple(sorted((u, v))), []).append((u, v, k, d))
    node_r = 0.3
    label_boxes = []
    for (a, _b), edges in pairs.items():
        m = len(edges)
        for i, (u, v, _k, d) in enumerate(edges):
            off = (i - (m - 1) / 2) * min(0.2, 1.1 / max(m, 1))
            rad = off if u == a else -off
            _group, col, style, width = _tie_style(d["kind"], declared)
            if d.get("status") in ("option", "planned"):
                style, alpha = (0, (1.2, 1.8)), 0.75
            else:
                alpha = 0.9
            p0, p1 = pos[u], pos[v]
            if u == v:
                continue
            arrow = FancyArrowPatch(
                p0,
                p1,
                connectionstyle=f"arc3,rad={rad}",
                arrowstyle="-|>,head_length=6,head_width=3.5",
                color=col,
                linestyle=style,
                linewidth=width,
                alpha=alpha,
                shrinkA=18,
                shrinkB=20,
                zorder=2,
            )
            ax.add_patch(arrow)
            q = tie_quantity(d.get("amount"), d.get("unit"), d.get("rate"))
            if q:
                dx, dy = p1 - p0
                mid = (p0 + p1) / 2 + 0.5 * rad * np.array([dy, -dx])
                label_boxes.append((mid, q, col))
    for n in G.nodes:
        x, y = pos[n]
        c = colour.get(part.camp_of.get(n, "unaligned"), "#DDDDDD")
        ax.add_patch(_node_disc((x, y), node_r, c))
        ax.text(x, y, n, ha="center", va="center", fontsize=BASE_FONT - (1 if len(n) > 3 else 0), fontweight="bold",
                zorder=5)  # fmt: skip
        name = G.nodes[n].get("name", n)
        if name != n:
            u = np.array([x, y]) / (np.hypot(x, y) or 1.0)
            lx, ly = np.array([x, y]) + u * (node_r + 0.12)
            ha = "left" if u[0] > 0.3 else "right" if u[0] < -0.3 else "center"
            va = "bottom" if u[1] > 0.7 else "top" if u[1] < -0.7 else "center"
            ax.text(lx, ly, _wrap(name, 16), ha=ha, va=va, fontsize=BASE_FONT, zorder=5)
    for mid, q, col in label_boxes:
        ax.text(
            mid[0],
            mid[1],
            q,
            ha="center",
            va="center",
            fontsize=BASE_FONT - 1,
            color="black",
            zorder=6,
            bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": col, "lw": 1.0},
        )
    xs = np.array([p[0] for p in pos.values()])
    ys = np.array([p[1] for p in pos.values()])
    ax.set_xlim(xs.min() - 2.0, xs.max() + 2.0)
    ax.set_ylim(ys.min() - 0.7, ys.max() + 0.7)
    used = {_tie_style(d["kind"], declared)[0] for _, _, d in G.edges(data=True)}
    handles = [
        Line2D([0], [0], color=col, linestyle=style, linewidth=w, label=name)
        for name, (_kinds, col, style, w) in TIE_GROUPS.items()
        if name in used
    ]
    for kind in declared:
        name, col, style, w = _tie_style(kind, declared)
        if name in used:
            handles.append(Line2D([0], [0], color=col, linestyle=style, linewidth=w, label=name))
    handles.append(Line2D([0], [0], color="#555555", linestyle=(0, (1.2, 1.8)), linewidth=1.6, label="option or plan"))
    handles += [Patch(facecolor=colour[c], edgecolor="black", label=f"camp: {c}") for c in camps]
    fig.legend(
        handles=handles, loc="lower center", ncol=4, fontsize=BASE_FONT, frameon=False, bbox_to_anchor=(0.5, 0.01)
    )
    subtitle = f"frustration {part.frustration} of {part.signed_pairs} signed actor pairs"
    if G.graph.get("scenario"):
        subtitle += f"; scenario: {_short(G.graph['scenario'], 90)}"
    fig.suptitle(title or f"Actor network of {G.graph.get('title', 'the system')}", fontsize=BASE_FONT + 3, y=0.985)
    fig.text(0.5, 0.945, subtitle, ha="center", fontsize=BASE_FONT, color="#444444")
    return fig


def _node_disc(xy, r, colour):
    from matplotlib.patches import Circle

    return Circle(xy, r, facecolor=colour, edgecolor="black", linewidth=1.2, zorder=4)


# --------------------------------------------------------------------------- matrix


@accepts_system("system")
@accepts_system("cim", to="matrix", optional=True)
def matrix_figure(system: System, cim: cib.CrossImpactMatrix | None = None) -> Figure:
    """The cross-impact matrix as a heatmap: rows act on columns, blue promotes, red hinders, 0 is white.

    Descriptor blocks are outlined and numbered (D1, D2, ...) with a key beside the matrix;
    non-zero cells carry their value.
    """
    cim = cim if cim is not None else cib.compile_system(system)
    V = cim.values.shape[0]
    labels = []
    for i, d in enumerate(system.descriptors):
        for v in d.variants:
            labels.append(f"D{i + 1} {_short(v.label, 26)}")
    cell = 0.26 if V <= 40 else 0.24 if V <= 70 else max(0.12, 16.0 / V)
    side = V * cell
    key_lines = [f"D{i + 1}  {_short(d.label, 44)}" for i, d in enumerate(system.descriptors)]
    key_w = 4.4
    label_w = 2.5
    width = label_w + side + key_w + 0.6
    height = side + 2.6
    fig = Figure(figsize=(width, height))
    ax = fig.add_axes((label_w / width, 0.25 / height, side / width, side / height))
    lim = max(3, int(np.abs(cim.values).max()) if cim.values.size else 3)
    img = ax.imshow(cim.values, cmap="RdBu", vmin=-lim, vmax=lim, interpolation="nearest", aspect="equal")
    fs = BASE_FONT - 2 if V <= 40 else 7 if V <= 70 else 5
    ax.set_xticks(range(V))
    ax.set_yticks(range(V))
    ax.set_yticklabels(labels, fontsize=fs)
    ax.set_xticklabels(labels, fontsize=fs, rotation=90)
    ax.xaxis.tick_top()
    ax.tick_params(length=0)
    for o in list(cim.offsets[1:]):
        ax.axhline(o - 0.5, color="black", linewidth=0.9)
        ax.axvline(o - 0.5, color="black", linewidth=0.9)
    for o, n in zip(cim.offsets, cim.sizes, strict=True):
        ax.add_patch(
            Rectangle((o - 0.5, o - 0.5), n, n, facecolor="#EEEEEE", edgecolor="none", zorder=0.5, hatch="///")
        )
    if V <= 40:  # beyond that the numbers are too small to read; the report's HTML table lists them
        for r in range(V):
            for c in range(V):
                x = int(cim.values[r, c])
                if x:
                    ax.text(
                        c, r, f"{x:+d}", ha="center", va="center", fontsize=max(fs - 1, 5),
                        color="white" if abs(x) >= lim * 0.6 else "black",
                    )  # fmt: skip
    cax = fig.add_axes(((label_w + side + 0.25) / width, 0.25 / height, 0.18 / width, min(side, 3.0) / height))
    bar = fig.colorbar(img, cax=cax, ticks=range(-lim, lim + 1))
    bar.ax.tick_params(labelsize=BASE_FONT - 1)
    bar.set_label("impact of row on column", fontsize=BASE_FONT - 1)
    key_font = BASE_FONT - 1 if len(key_lines) <= 30 else BASE_FONT - 2
    fig.text(
        (label_w + side + 1.1) / width,
        (0.25 + side) / height,
        "Descriptors\n" + "\n".join(key_lines),
        ha="left",
        va="top",
        fontsize=key_font,
        family="DejaVu Sans",
        linespacing=1.35,
    )
    fig.suptitle(f"Cross-impact matrix of {_short(system.title, 80)}", fontsize=BASE_FONT + 3, x=0.5, y=0.995)
    return fig


# --------------------------------------------------------------------------- tableau


@accepts_system("system")
def tableau_figure(system: System, result=None, *, max_scenarios: int = 12, title: str | None = None) -> Figure:
    """The consistent scenarios as a ScenarioWizard-style tableau.

    Descriptors are rows and scenarios columns; each cell names the chosen variant, tinted
    by its position among the descriptor's variants. The last rows give the total impact
    score and the inconsistency. At most ``max_scenarios`` columns are drawn.
    """
    from upheaval.report._data import consistent

    result = result if result is not None else consistent(system)
    n_all = len(result)
    n = min(n_all, max_scenarios)
    rows = len(system.descriptors)
    col_w, label_w, row_h = 1.6, 3.2, 0.56
    width = label_w + max(n, 1) * col_w + 0.3
    height = (rows + 3) * row_h + 1.0
    fig = Figure(figsize=(width, height))
    ax = fig.add_axes((0.02, 0.02, 0.96, 1 - 1.0 / height))
    ax.set_xlim(0, width)
    ax.set_ylim(-(rows + 3) * row_h, 0)
    ax.axis("off")
    if n == 0:
        ax.text(width / 2, -row_h, "No consistent scenario.", ha="center", va="center", fontsize=BASE_FONT + 2)
    for k in range(n):
        ax.text(label_w + (k + 0.5) * col_w, -0.5 * row_h, f"S{k + 1}", ha="center", va="center", fontsize=BASE_FONT + 1,
                fontweight="bold")  # fmt: skip
    for i, d in enumerate(system.descriptors):
        y = -(i + 1) * row_h
        ax.text(0.1, y - row_h / 2, _wrap(_short(d.label, 70), 36), ha="left", va="center", fontsize=BASE_FONT - 1)
        ax.plot([0, label_w + n * col_w], [y, y], color="#BBBBBB", linewidth=0.6)
        for k in range(n):
            j = int(result.indices[k, i])
            ax.add_patch(
                Rectangle(
                    (label_w + k * col_w + 0.04, y - row_h + 0.04), col_w - 0.08, row_h - 0.08,
                    facecolor=VARIANT_TINTS[j % len(VARIANT_TINTS)], edgecolor="none",
                )
            )  # fmt: skip
            ax.text(
                label_w + (k + 0.5) * col_w, y - row_h / 2, _wrap(_short(d.variants[j].label, 57), 19),
                ha="center", va="center", fontsize=BASE_FONT - 3,
            )  # fmt: skip
    y0 = -(rows + 1) * row_h
    ax.plot([0, label_w + n * col_w], [y0, y0], color="black", linewidth=0.9)
    for r, (name, values) in enumerate(
        (("total impact score", result.total_impact_score), ("inconsistency", result.inconsistency))
    ):
        y = y0 - (r + 0.5) * row_h
        ax.text(0.1, y, name, ha="left", va="center", fontsize=BASE_FONT - 1, style="italic")
        for k in range(n):
            ax.text(
                label_w + (k + 0.5) * col_w, y, str(int(values[k])), ha="center", va="center", fontsize=BASE_FONT - 1
            )
    head = title or f"Consistent scenarios of {system.title}"
    if n_all > n:
        head += f" (first {n} of {n_all})"
    fig.suptitle(_wrap(head, int(width * 9)), fontsize=BASE_FONT + 2, y=1 - 0.1 / height, va="top")
    return fig


# --------------------------------------------------------------------------- impact diagram


@accepts_system("system")
@accepts_system("cim", to="matrix", optional=True)
def impact_figure(
    system: System, scenario, cim: cib.CrossImpactMatrix | None = None, *, title: str | None = None
) -> Figure:
    """Impact diagram of one scenario: how its chosen variants promote (blue, solid) or hinder (red, dashed) each other.

    Each node is a descriptor with its chosen variant and impact balance; an arrow's width
    grows with the judgement's strength (1..3). :func:`impact_svg` draws the same diagram as SVG text.
    """
    lay = impact_layout(system, scenario, cim)
    pos = lay.positions
    fig = Figure(figsize=(13, 11))
    ax = fig.add_axes((0.0, 0.07, 1.0, 0.86))
    ax.set_aspect("equal")
    ax.axis("off")
    for i, j, s in lay.arrows:
        ax.add_patch(
            FancyArrowPatch(
                pos[i], pos[j], connectionstyle="arc3,rad=0.12",
                arrowstyle="-|>,head_length=7,head_width=4", color=PROMOTE if s > 0 else HINDER,
                linestyle="-" if s > 0 else (0, (4, 2)), linewidth=0.9 * abs(s) + 0.3, alpha=0.75,
                shrinkA=9, shrinkB=11, zorder=2,
            )
        )  # fmt: skip
    for k, (label, variant, b) in enumerate(lay.nodes):
        x, y = pos[k]
        ax.plot([x], [y], "o", markersize=13, markerfacecolor="white", markeredgecolor="black", zorder=4)
        ax.text(x, y, str(k + 1), ha="center", va="center", fontsize=BASE_FONT - 2, zorder=5)
        c = math.cos(lay.angles[k])
        ha = "left" if c > 0.08 else "right" if c < -0.08 else "center"
        va = "bottom" if y > 0.5 else "top" if y < -0.5 else "center"
        lx, ly = 1.09 * x, 1.09 * y
        text = f"{_wrap(_short(label, 60), 26)}\n▶ {_wrap(_short(variant, 60), 26)} ({b:+d})"
        ax.text(lx, ly, text, ha=ha, va=va, fontsize=BASE_FONT - 1, linespacing=1.15, zorder=5)
    ax.set_xlim(-1.9, 1.9)
    ax.set_ylim(-1.4, 1.35)
    handles = [
        Line2D([0], [0], color=PROMOTE, linewidth=2.5, label="promotes (width: +1..+3)"),
        Line2D([0], [0], color=HINDER, linewidth=2.5, linestyle=(0, (4, 2)), label="hinders (width: −1..−3)"),
    ]
    fig.legend(handles=handles, loc="lower center", ncol=2, frameon=False, fontsize=BASE_FONT)
    fig.suptitle(title or "Impact diagram of the scenario", fontsize=BASE_FONT + 3, y=0.985)
    fig.text(0.5, 0.945, "▶ chosen variant (its impact balance)", ha="center", fontsize=BASE_FONT - 1, color="#444444")
    return fig


# --------------------------------------------------------------------------- landscape


@accepts_system("system")
@accepts_system("cim", to="matrix", optional=True)
def landscape_figure(system: System, tolerance: int = 2, fix=None, cim=None, *, title: str | None = None) -> Figure:
    """Consistent and near-consistent scenarios on a 2-D map (classical MDS of their Hamming distances).

    Close points differ in few descriptors. Colour and marker give the inconsistency (0 is
    consistent); marker size grows with the total impact score. Consistent scenarios are
    labelled S1, S2, ... as in the tableau.
    """
    from upheaval.report._data import landscape_points

    found, xy, shown = landscape_points(system, tolerance, fix, cim)
    fig = Figure(figsize=(10, 8.5))
    ax = fig.add_axes((0.08, 0.16, 0.86, 0.74))
    if shown == 0:
        ax.axis("off")
        ax.text(
            0.5, 0.5, f"No scenario within inconsistency {tolerance}.", ha="center", va="center", transform=ax.transAxes
        )
        return fig
    inc = found.inconsistency[:shown]
    tis = found.total_impact_score[:shown].astype(float)
    span = (tis.max() - tis.min()) or 1.0
    size = 30 + 170 * (tis - tis.min()) / span
    styles = {0: (PROMOTE, "o"), 1: (OKABE_ITO["orange"], "s"), 2: (OKABE_ITO["grey"], "^")}
    rng = np.random.default_rng(0)
    jitter = rng.normal(scale=0.04, size=xy.shape) * (np.ptp(xy, axis=0) + 1e-9) / 4
    pts = xy + jitter
    for level in sorted(set(int(x) for x in inc), reverse=True):
        mask = inc == level
        colour, marker = styles.get(level, (OKABE_ITO["grey"], "v"))
        ax.scatter(
            pts[mask, 0], pts[mask, 1], s=size[mask], c=colour, marker=marker, alpha=0.85 if level == 0 else 0.45,
            edgecolors="black" if level == 0 else "none", linewidths=0.8, label=f"inconsistency {level} ({mask.sum()})",
            zorder=3 if level == 0 else 2,
        )  # fmt: skip
    consistent_rows = np.flatnonzero(inc == 0)[:30]
    ax.autoscale_view()
    _place_labels(ax, [(f"S{k + 1}", pts[k]) for k in consistent_rows])
    ax.set_xlabel("MDS axis 1 (descriptors that differ)", fontsize=BASE_FONT)
    ax.set_ylabel("MDS axis 2", fontsize=BASE_FONT)
    ax.tick_params(labelsize=BASE_FONT - 1)
    ax.grid(True, color="#EEEEEE")
    ax.legend(
        fontsize=BASE_FONT - 1, loc="upper center", bbox_to_anchor=(0.5, -0.09), ncol=3, frameon=False,
        title="marker size: total impact score", title_fontsize=BASE_FONT - 1,
    )  # fmt: skip
    head = title or f"Scenario landscape (inconsistency ≤ {tolerance})"
    if shown < len(found):
        head += f": the {shown} most consistent of {len(found)}"
    fig.suptitle(head, fontsize=BASE_FONT + 3)
    return fig


def _place_labels(ax, labels: list[tuple[str, np.ndarray]], fontsize: int = BASE_FONT) -> None:
    """Label points without overlaps: each label takes the first nearby spot that is still free.

    Spots are tried at growing distances around the point (in points); a label set away
    from its point gets a thin leader line.
    """
    to_px = ax.figure.dpi / 72.0
    placed: list[tuple[float, float, float, float]] = []
    candidates = [(dx, dy) for r in (1, 2, 3, 4, 5) for dx, dy in
                  ((7, 5), (7, -14), (-7, 5), (-7, -14), (0, 12), (0, -22), (16, -4), (-16, -4))
                  for dx, dy in [(dx * (1 + (r - 1) * 0.8), dy * (1 + (r - 1) * 0.8))]]  # fmt: skip
    for text, p in labels:
        x0, y0 = ax.transData.transform(p)
        w, h = (0.62 * fontsize * len(text) + 4) * to_px, (fontsize + 4) * to_px
        chosen = candidates[0]
        for dx, dy in candidates:
            left = x0 + dx * to_px - (w if dx < 0 else 0)
            box = (left, y0 + dy * to_px, left + w, y0 + dy * to_px + h)
            if not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed):
                chosen = (dx, dy)
                break
        dx, dy = chosen
        left = x0 + dx * to_px - (w if dx < 0 else 0)
        placed.append((left, y0 + dy * to_px, left + w, y0 + dy * to_px + h))
        far = abs(dx) > 12 or abs(dy) > 16
        ax.annotate(
            text, p, xytext=(dx, dy), textcoords="offset points", ha="right" if dx < 0 else "left", va="bottom",
            fontsize=fontsize, fontweight="bold", zorder=4,
            bbox={"boxstyle": "round,pad=0.12", "fc": "white", "ec": "none", "alpha": 0.85},
            arrowprops={"arrowstyle": "-", "color": "#333333", "lw": 0.6} if far else None,
        )  # fmt: skip


# --------------------------------------------------------------------------- claims


@accepts_system("system")
def claims_figure(system: System, results=None) -> Figure:
    """Each claim of the source with its result: pass (✓) or FAIL (✗), its text and the deciding detail."""
    from upheaval.claims import check_claims

    results = results if results is not None else check_claims(system)
    blocks = []
    for r in results:
        text = _wrap(r.text, 95)
        detail = _wrap(r.detail, 110)
        blocks.append((r, text, detail, text.count("\n") + detail.count("\n") + 2))
    line_h = 0.2
    total_lines = sum(b[3] for b in blocks) + 0.8 * len(blocks)
    height = max(2.0, total_lines * line_h + 1.0)
    fig = Figure(figsize=(11, height))
    ax = fig.add_axes((0.0, 0.0, 1.0, 1 - 0.6 / height))
    ax.axis("off")
    ax.set_xlim(0, 11)
    ax.set_ylim(-(height - 0.6), 0)
    if not results:
        ax.text(5.5, -0.5, "This model states no claims.", ha="center", va="center", fontsize=BASE_FONT + 1)
    y = -0.15
    for r, text, detail, lines in blocks:
        colour = PROMOTE if r.passed else HINDER
        verdict = "✓ pass" if r.passed else "✗ FAIL"
        ax.text(0.15, y, verdict, ha="left", va="top", fontsize=BASE_FONT + 1, fontweight="bold", color=colour)
        ax.text(1.15, y, r.id, ha="left", va="top", fontsize=BASE_FONT, fontweight="bold")
        ax.text(2.0, y, text, ha="left", va="top", fontsize=BASE_FONT, linespacing=1.3)
        ax.text(2.0, y - (text.count("\n") + 1) * line_h - 0.05, detail, ha="left", va="top", fontsize=BASE_FONT - 2,
                color="#444444", linespacing=1.3)  # fmt: skip
        y -= lines * line_h + 0.8 * line_h
        ax.plot([0.1, 10.9], [y + 0.4 * line_h, y + 0.4 * line_h], color="#DDDDDD", linewidth=0.6)
    passed = sum(r.passed for r in results)
    fig.suptitle(f"Claims: {passed} of {len(results)} pass", fontsize=BASE_FONT + 3, y=1 - 0.1 / height)
    return fig


FIGURES = {
    "network": network_figure,
    "matrix": matrix_figure,
    "tableau": tableau_figure,
    "impact": impact_figure,
    "landscape": landscape_figure,
    "claims": claims_figure,
}
