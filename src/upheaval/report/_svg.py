"""Figures the HTML report writes directly as SVG text (no rendering: a few milliseconds each, scaling with the
page): each scenario's impact diagram and the scenario landscape. They draw what :func:`impact_figure` and
:func:`landscape_figure` (in :mod:`upheaval.report._figures`, with matplotlib, for files) draw."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass

import networkx as nx
import numpy as np

from upheaval import cib
from upheaval.model import System

__all__ = [
    "CAMP_COLOURS",
    "HINDER",
    "OKABE_ITO",
    "PROMOTE",
    "TIE_GROUPS",
    "ImpactLayout",
    "impact_layout",
    "impact_svg",
    "landscape_svg",
    "network_svg",
]

# Okabe & Ito (2008), a palette that stays distinct under the common colour-vision deficiencies.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "grey": "#999999",
}
PROMOTE = OKABE_ITO["blue"]
HINDER = OKABE_ITO["vermillion"]
CAMP_COLOURS = [OKABE_ITO["yellow"], OKABE_ITO["sky"], OKABE_ITO["orange"], OKABE_ITO["purple"]]
# Tie kinds grouped into five styles: colour, line style, width. Every built-in kind is in one
# group (tests check it); a kind a model declares is drawn in a group of its own.
TIE_GROUPS = {
    "military support": (("troops", "munitions", "technology", "training", "recruitment"), OKABE_ITO["blue"], "-", 2.2),
    "money and aid": (("payment", "aid", "trade", "finance"), OKABE_ITO["green"], "-", 2.2),
    "political ties": (
        ("agreement", "diplomatic_support", "alignment", "stance", "liaison", "intelligence", "mediation"),
        "#555555",
        "-",
        1.3,
    ),
    "hostility and war": (
        ("hostility", "combat", "attack", "casualties", "targeting", "blockade", "interception"),
        OKABE_ITO["vermillion"],
        "-",
        1.8,
    ),
    "coercion": (("sanctions", "coercion", "pressure", "threat"), OKABE_ITO["purple"], (0, (5, 2)), 1.8),
}
# Light tints for the variants of a descriptor in a tableau (index 0, 1, 2, ...).

_LINE_STYLES = {"solid": "-", "dashed": (0, (5, 2)), "dotted": (0, (1.2, 1.8))}


def _tie_style(kind: str, declared: Mapping[str, Mapping[str, str]] | None = None) -> tuple[str, str, object, float]:
    """Legend group, colour, line style and width of a tie kind (a declared kind is its own group)."""
    for name, (kinds, colour, style, width) in TIE_GROUPS.items():
        if kind in kinds:
            return name, colour, style, width
    spec = (declared or {}).get(kind)
    if spec is not None:
        colour = OKABE_ITO["vermillion"] if spec["sign"] == "hostile" else OKABE_ITO["sky"]
        return spec["label"], colour, _LINE_STYLES.get(spec["style"], "-"), 1.8
    return "other", OKABE_ITO["grey"], "-", 1.2


def _network_layout(G, camp_of: Mapping[str, str], camps: list[str]) -> dict[str, np.ndarray]:
    """Actors on a circle, each camp on its own arc (the first on the left), so hostile ties cross the middle.

    Within a camp, actors follow a breadth-first walk of their cooperative ties from the
    best-connected one, so partners sit next to each other.
    """
    groups = [[n for n in G.nodes if camp_of.get(n) == c] for c in camps]
    groups = [g for g in groups if g]
    U = nx.Graph(G.to_undirected())
    ordered: list[list[str]] = []
    for g in groups:
        sub = U.subgraph(g)
        seen: list[str] = []
        for start in sorted(g, key=lambda n: (-sub.degree(n), n)):
            if start in seen:
                continue
            seen += [n for n in nx.bfs_tree(sub, start) if n not in seen]
        ordered.append(seen)
    pos: dict[str, np.ndarray] = {}
    arc = 2 * math.pi / max(len(ordered), 1)
    for k, g in enumerate(ordered):
        # Camp k owns the arc centred on 180° + k * arc (the first camp on the left).
        centre = math.pi + k * arc
        step = arc / (len(g) + 0.6) if len(ordered) > 1 else arc / len(g)
        for i, node in enumerate(g):
            a = centre - step * (i - (len(g) - 1) / 2)
            pos[node] = np.array([math.cos(a), math.sin(a)]) * 3.0
    return pos


@dataclass(frozen=True)
class ImpactLayout:
    """What an impact diagram shows, placed: the descriptors on a circle (the first at the top, clockwise),
    each with its chosen variant and impact balance, and one arrow per judgement acting between chosen
    variants (``(source, target, score)``, descriptor positions). Both drawings of the diagram read it."""

    angles: list[float]
    positions: np.ndarray
    nodes: list[tuple[str, str, int]]  # descriptor label, chosen variant's label, its impact balance
    arrows: list[tuple[int, int, int]]


def impact_layout(system: System, scenario, cim: cib.CrossImpactMatrix | None = None) -> ImpactLayout:
    """The impact diagram of one scenario, laid out (see :class:`ImpactLayout`)."""
    cim = cim if cim is not None else cib.compile_system(system)
    z = cim.scenario_indices(scenario) if isinstance(scenario, Mapping) else np.asarray(scenario, dtype=np.int64)
    rows = z + cim.offsets
    balances = cim.values[rows].sum(axis=0)
    n = len(system.descriptors)
    angles = [math.pi / 2 - 2 * math.pi * k / n for k in range(n)]
    positions = np.array([[math.cos(a), math.sin(a)] for a in angles]).reshape(n, 2)
    nodes = [
        (d.label, d.variants[int(z[k])].label, int(balances[cim.offsets[k] + z[k]]))
        for k, d in enumerate(system.descriptors)
    ]
    arrows = [
        (i, j, int(cim.values[rows[i], cim.offsets[j] + z[j]]))
        for i in range(n)
        for j in range(n)
        if i != j and cim.values[rows[i], cim.offsets[j] + z[j]]
    ]
    return ImpactLayout(angles, positions, nodes, arrows)


def impact_svg(system: System, scenario, cim: cib.CrossImpactMatrix | None = None, *, title: str = "") -> str:
    """The impact diagram of :func:`impact_figure` as SVG text, written directly (no rendering, a few
    kilobytes): what the HTML report shows for each scenario, scaling with the page."""
    from html import escape

    lay = impact_layout(system, scenario, cim)
    w, h, cx, cy, r = 1000, 760, 500, 380, 255
    pts = [(cx + r * x, cy - r * y) for x, y in lay.positions]
    out = [
        f'<svg class="impact" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" '
        f'aria-label="{escape(title or "Impact diagram")}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">',
        f"<title>{escape(title or 'Impact diagram')}</title>",
    ]
    for i, j, s in sorted(lay.arrows, key=lambda a: abs(a[2])):
        (x1, y1), (x2, y2) = pts[i], pts[j]
        dx, dy = x2 - x1, y2 - y1
        qx, qy = (x1 + x2) / 2 - 0.12 * dy, (y1 + y2) / 2 + 0.12 * dx  # the arc's control point, as arc3,rad=0.12
        sx, sy = _towards(x1, y1, qx, qy, 16)
        ex, ey = _towards(x2, y2, qx, qy, 19)
        ux, uy = (ex - qx) / (math.hypot(ex - qx, ey - qy) or 1.0), (ey - qy) / (math.hypot(ex - qx, ey - qy) or 1.0)
        colour = PROMOTE if s > 0 else HINDER
        dash = "" if s > 0 else ' stroke-dasharray="7 4"'
        width = 1.5 * abs(s) + 0.5
        hx, hy = ex - 11 * ux, ey - 11 * uy
        head = f"{ex:.1f},{ey:.1f} {hx - 5 * uy:.1f},{hy + 5 * ux:.1f} {hx + 5 * uy:.1f},{hy - 5 * ux:.1f}"
        out.append(
            f'<path d="M{sx:.1f},{sy:.1f} Q{qx:.1f},{qy:.1f} {hx:.1f},{hy:.1f}" fill="none" stroke="{colour}" '
            f'stroke-width="{width:.1f}" stroke-opacity="0.75"{dash}/><polygon points="{head}" fill="{colour}" '
            f'fill-opacity="0.85"/>'
        )
    for k, (label, variant, b) in enumerate(lay.nodes):
        x, y = pts[k]
        c = math.cos(lay.angles[k])
        anchor = "start" if c > 0.08 else "end" if c < -0.08 else "middle"
        lx, ly = cx + 1.1 * (x - cx), cy + 1.1 * (y - cy)
        lines = [*textwrap.wrap(label, 28), *textwrap.wrap(f"▶ {variant} ({b:+d})", 28)]
        top = (
            ly - 16 * len(lines) + 10
            if y < cy - 0.5 * r
            else ly + 6
            if y > cy + 0.5 * r
            else ly - 8 * (len(lines) - 1) + 4
        )
        spans = []
        bold = False
        for n, line in enumerate(lines):
            bold = bold or line.startswith("▶")  # the chosen variant's lines
            weight = ' font-weight="bold"' if bold else ""
            spans.append(f'<tspan x="{lx:.1f}" y="{top + 16 * n:.1f}"{weight}>{escape(line)}</tspan>')
        out.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="14" fill="white" stroke="black"/>'
            f'<text x="{x:.1f}" y="{y + 4.5:.1f}" text-anchor="middle" font-size="12">{k + 1}</text>'
            f'<text text-anchor="{anchor}" font-size="13" fill="#1a1a1a">{"".join(spans)}</text>'
        )
    out.append(
        f'<g font-size="13"><line x1="300" y1="{h - 14}" x2="340" y2="{h - 14}" stroke="{PROMOTE}" stroke-width="3"/>'
        f'<text x="346" y="{h - 9}">promotes (width: +1..+3)</text>'
        f'<line x1="540" y1="{h - 14}" x2="580" y2="{h - 14}" stroke="{HINDER}" stroke-width="3" '
        f'stroke-dasharray="7 4"/><text x="586" y="{h - 9}">hinders (width: −1..−3)</text></g></svg>'
    )
    return "".join(out)


def _towards(x: float, y: float, tx: float, ty: float, d: float) -> tuple[float, float]:
    """The point ``d`` units from ``(x, y)`` towards ``(tx, ty)``."""
    length = math.hypot(tx - x, ty - y) or 1.0
    return x + d * (tx - x) / length, y + d * (ty - y) / length


def landscape_svg(found, xy: np.ndarray, shown: int, tolerance: int = 2, *, title: str = "") -> str:
    """The landscape of :func:`landscape_figure` as SVG text, written directly from its points
    (:func:`upheaval.report._data.landscape_points`): what the HTML report shows."""
    from html import escape

    w, h, left, top, right, bottom = 1000, 720, 40, 40, 980, 640
    head = title or f"Scenario landscape (inconsistency ≤ {tolerance})"
    if shown < len(found):
        head += f": the {shown} most consistent of {len(found)}"
    out = [
        f'<svg class="figure" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" '
        f'aria-label="{escape(head)}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="13">',
        f"<title>{escape(head)}</title>",
        f'<rect x="{left}" y="{top}" width="{right - left}" height="{bottom - top}" fill="none" stroke="#cccccc"/>',
    ]
    if shown == 0:
        out.append(
            f'<text x="{w / 2}" y="{h / 2}" text-anchor="middle">No scenario within inconsistency {tolerance}.</text></svg>'
        )
        return "".join(out)
    inc = found.inconsistency[:shown]
    tis = found.total_impact_score[:shown].astype(float)
    size = 4 + 8 * (tis - tis.min()) / ((tis.max() - tis.min()) or 1.0)
    rng = np.random.default_rng(0)
    pts = xy + rng.normal(scale=0.04, size=xy.shape) * (np.ptp(xy, axis=0) + 1e-9) / 4
    lo, span = pts.min(axis=0), np.ptp(pts, axis=0) + 1e-9
    px = left + 20 + (pts[:, 0] - lo[0]) / span[0] * (right - left - 40)
    py = bottom - 20 - (pts[:, 1] - lo[1]) / span[1] * (bottom - top - 40)
    styles = {0: (PROMOTE, "circle"), 1: (OKABE_ITO["orange"], "square")}
    for level in sorted({int(x) for x in inc}, reverse=True):
        colour, shape = styles.get(level, (OKABE_ITO["grey"], "triangle"))
        edge = ' stroke="black" stroke-width="1"' if level == 0 else ""
        opacity = 0.85 if level == 0 else 0.45
        for k in np.flatnonzero(inc == level):
            out.append(_marker(shape, px[k], py[k], size[k], colour, opacity, edge))
    placed: list[tuple[float, float, float, float]] = []
    for k in np.flatnonzero(inc == 0)[:30]:
        text = f"S{k + 1}"
        tw, th = 8.2 * len(text) + 4, 15
        for dx, dy in (
            (8, -8),
            (8, 16),
            (-8, -8),
            (-8, 16),
            (0, -14),
            (0, 24),
            (18, 4),
            (-18, 4),
            (14, -20),
            (-14, 30),
        ):
            x0 = px[k] + dx - (tw if dx < 0 else 0)
            box = (x0, py[k] + dy - th, x0 + tw, py[k] + dy)
            if not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed):
                break
        placed.append(box)
        out.append(f'<text x="{box[0] + 2:.1f}" y="{box[3] - 3:.1f}" font-weight="bold" fill="#1a1a1a">{text}</text>')
    x = left
    for level in sorted({int(x) for x in inc}):
        colour, shape = styles.get(level, (OKABE_ITO["grey"], "triangle"))
        out.append(_marker(shape, x + 8, h - 52, 6, colour, 0.85, ' stroke="black"' if level == 0 else ""))
        label = f"inconsistency {level} ({int((inc == level).sum())})"
        out.append(f'<text x="{x + 20}" y="{h - 47}">{label}</text>')
        x += 30 + 8 * len(label)
    out.append(
        f'<text x="{left}" y="{h - 22}" fill="#555555">Close points differ in few descriptors (classical MDS of '
        "the number of descriptors two scenarios differ in); marker size: total impact score.</text></svg>"
    )
    return "".join(out)


def _marker(shape: str, x: float, y: float, r: float, colour: str, opacity: float, edge: str) -> str:
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{colour}" fill-opacity="{opacity}"{edge}/>'
    if shape == "square":
        return (f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r:.1f}" height="{2 * r:.1f}" fill="{colour}" '
                f'fill-opacity="{opacity}"{edge}/>')  # fmt: skip
    return (f'<polygon points="{x:.1f},{y - r:.1f} {x - r:.1f},{y + r:.1f} {x + r:.1f},{y + r:.1f}" fill="{colour}" '
            f'fill-opacity="{opacity}"{edge}/>')  # fmt: skip


_SVG_DASH = {"-": "", (0, (5, 2)): "6 3", (0, (1.2, 1.8)): "1.5 2.5", (0, (4, 2)): "5 3"}


def network_svg(system: System, *, title: str = "") -> str:
    """The actor network of :func:`upheaval.report._figures.network_figure` as SVG text, written directly:
    actors on a circle by camp (coloured by camp), ties styled by kind (dotted: options and plans), arrows
    from the acting actor, quantities labelled; what the HTML report shows."""
    from html import escape

    from upheaval.network import actor_network, camps, tie_quantity

    G = actor_network(system)
    part = camps(G)
    declared = {
        d["kind"]: {"label": d["kind_label"], "style": d.get("kind_style", "solid"),
                    "sign": "hostile" if d.get("polarity", 1) < 0 else "cooperative"}
        for _, _, d in G.edges(data=True)
        if d.get("kind_label")
    }  # fmt: skip
    camps = [c for c in part.camps if c != "unaligned"] + (["unaligned"] if "unaligned" in part.camps else [])
    colour = {c: CAMP_COLOURS[k % len(CAMP_COLOURS)] for k, c in enumerate(c for c in camps if c != "unaligned")}
    colour["unaligned"] = "#DDDDDD"
    pos = _network_layout(G, part.camp_of, camps)
    w, h, cx, cy, scale, r = 1000, 780, 500, 350, 95.0, 24
    pt = {n: (cx + scale * p[0], cy - scale * p[1]) for n, p in pos.items()}
    head = title or f"Actor network of {G.graph.get('title', 'the system')}"
    out = [
        f'<svg class="figure" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" '
        f'aria-label="{escape(head)}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="13">',
        f"<title>{escape(head)}</title>",
        f'<text x="{w / 2}" y="22" text-anchor="middle" fill="#444444">frustration {part.frustration} of '
        f"{part.signed_pairs} signed actor pairs</text>",
    ]
    pairs: dict[tuple[str, str], list] = {}
    for u, v, _k, d in G.edges(keys=True, data=True):
        if u != v:
            pairs.setdefault(tuple(sorted((u, v))), []).append((u, v, d))
    labels = []
    for (a, _b), edges in pairs.items():
        for i, (u, v, d) in enumerate(edges):
            off = (i - (len(edges) - 1) / 2) * min(0.2, 1.1 / len(edges))
            rad = off if u == a else -off
            _group, col, style, width = _tie_style(d["kind"], declared)
            dashed = d.get("status") in ("option", "planned")
            dash = _SVG_DASH[(0, (1.2, 1.8))] if dashed else _SVG_DASH.get(style, "")
            (x1, y1), (x2, y2) = pt[u], pt[v]
            qx, qy = (x1 + x2) / 2 - rad * (y2 - y1), (y1 + y2) / 2 + rad * (x2 - x1)
            sx, sy = _towards(x1, y1, qx, qy, r + 4)
            ex, ey = _towards(x2, y2, qx, qy, r + 6)
            norm = math.hypot(ex - qx, ey - qy) or 1.0
            ux, uy = (ex - qx) / norm, (ey - qy) / norm
            hx, hy = ex - 10 * ux, ey - 10 * uy
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            out.append(
                f'<path d="M{sx:.1f},{sy:.1f} Q{qx:.1f},{qy:.1f} {hx:.1f},{hy:.1f}" fill="none" stroke="{col}" '
                f'stroke-width="{1.4 * width:.1f}" stroke-opacity="{0.75 if dashed else 0.9}"{dash_attr}/>'
                f'<polygon points="{ex:.1f},{ey:.1f} {hx - 4.5 * uy:.1f},{hy + 4.5 * ux:.1f} '
                f'{hx + 4.5 * uy:.1f},{hy - 4.5 * ux:.1f}" fill="{col}"/>'
            )
            quantity = tie_quantity(d.get("amount"), d.get("unit"), d.get("rate"))
            if quantity:
                labels.append(
                    ((x1 + x2) / 2 - 0.5 * rad * (y2 - y1), (y1 + y2) / 2 + 0.5 * rad * (x2 - x1), quantity, col)
                )
    for n in G.nodes:
        x, y = pt[n]
        c = colour.get(part.camp_of.get(n, "unaligned"), "#DDDDDD")
        out.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{c}" stroke="black" stroke-width="1.2"/>'
            f'<text x="{x:.1f}" y="{y + 4.5:.1f}" text-anchor="middle" font-weight="bold" '
            f'font-size="{12 if len(n) > 3 else 13}">{escape(n)}</text>'
        )
        name = G.nodes[n].get("name", n)
        if name != n:
            ux, uy = (x - cx) / (math.hypot(x - cx, y - cy) or 1.0), (y - cy) / (math.hypot(x - cx, y - cy) or 1.0)
            lx, ly = x + ux * (r + 10), y + uy * (r + 10)
            anchor = "start" if ux > 0.3 else "end" if ux < -0.3 else "middle"
            rows = textwrap.wrap(name, 16) or [name]
            top = ly + 4 - (16 * (len(rows) - 1) if uy < -0.7 else 8 * (len(rows) - 1) if abs(uy) <= 0.7 else -8)
            spans = "".join(
                f'<tspan x="{lx:.1f}" y="{top + 16 * k:.1f}">{escape(t)}</tspan>' for k, t in enumerate(rows)
            )
            out.append(f'<text text-anchor="{anchor}">{spans}</text>')
    for x, y, quantity, col in labels:
        tw = 7.2 * len(quantity) + 8
        out.append(
            f'<rect x="{x - tw / 2:.1f}" y="{y - 10:.1f}" width="{tw:.1f}" height="19" rx="4" fill="white" '
            f'stroke="{col}"/><text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle" font-size="12">'
            f"{escape(quantity)}</text>"
        )
    used = {_tie_style(d["kind"], declared)[0] for _, _, d in G.edges(data=True)}
    keys = [(name, col, _SVG_DASH.get(style, "")) for name, (_k, col, style, _w) in TIE_GROUPS.items() if name in used]
    keys += [(n, c, _SVG_DASH.get(st, "")) for n, c, st, _w in (_tie_style(k, declared) for k in declared) if n in used]
    keys.append(("option or plan", "#555555", _SVG_DASH[(0, (1.2, 1.8))]))
    x, y = 40, h - 70
    for name, col, dash in keys:
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<line x1="{x}" y1="{y}" x2="{x + 34}" y2="{y}" stroke="{col}" stroke-width="3"{dash_attr}/>'
                   f'<text x="{x + 40}" y="{y + 4}">{escape(name)}</text>')  # fmt: skip
        x += 60 + 7.5 * len(name)
        if x > w - 200:
            x, y = 40, y + 24
    x, y = 40, y + 28
    for c in camps:
        out.append(f'<rect x="{x}" y="{y - 9}" width="14" height="14" fill="{colour[c]}" stroke="black"/>'
                   f'<text x="{x + 20}" y="{y + 3}">camp: {escape(c)}</text>')  # fmt: skip
        x += 40 + 7.5 * len(f"camp: {c}")
    out.append("</svg>")
    return "".join(out)
