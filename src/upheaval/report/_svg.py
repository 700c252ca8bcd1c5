"""Figures the HTML report writes directly as SVG text (no rendering: a few milliseconds each, scaling with the
page): each scenario's impact diagram, the scenario landscape, the actor network, and the decision figures (the
lever map, the picks, each shock). They draw what :func:`impact_figure`, :func:`landscape_figure` (in
:mod:`upheaval.report._figures`) and the lever, pick and shock figures (in :mod:`upheaval.report._decisions`)
draw with matplotlib for files and the web page."""

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
    "PICK_COLOURS",
    "PROMOTE",
    "TIE_GROUPS",
    "ImpactLayout",
    "impact_layout",
    "impact_svg",
    "landscape_svg",
    "left_alone_words",
    "lever_facts",
    "lever_rows",
    "lever_svg",
    "network_svg",
    "pick_heading",
    "pick_points",
    "pick_svg",
    "shock_svg",
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


# --------------------------------------------------------------------------- decisions
# The lever map, the picks and a shock as the report shows them: what lever_figure, pick_figure and
# shock_figure (report/_decisions.py, matplotlib, for files and the web page) draw, from the same layout.

_FONT = 'font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="13"'


def _lines(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width=width, break_long_words=True) or [text]


def _text(x: float, y: float, text: str, *, width: int = 0, anchor: str = "start", size: int = 13,
          bold: bool = False, colour: str = "#1a1a1a", italic: bool = False, gap: int = 16, up: bool = False) -> str:  # fmt: skip
    """A text (wrapped at ``width`` characters when given), its first line's baseline at ``y`` (its last, ``up``)."""
    from html import escape

    lines = _lines(text, width) if width else [text]
    y0 = y - gap * (len(lines) - 1) if up else y
    style = (' font-weight="bold"' if bold else "") + (' font-style="italic"' if italic else "")
    spans = "".join(f'<tspan x="{x:.1f}" y="{y0 + gap * k:.1f}">{escape(s)}</tspan>' for k, s in enumerate(lines))
    return f'<text text-anchor="{anchor}" font-size="{size}" fill="{colour}"{style}>{spans}</text>'


def _arrow(path: str, end: tuple[float, float], towards: tuple[float, float], colour: str, width: float,
           dash: str = "", opacity: float = 1.0) -> str:  # fmt: skip
    """A stroked path ending in an arrowhead at ``end``, pointing away from ``towards``."""
    ex, ey = end
    length = math.hypot(ex - towards[0], ey - towards[1]) or 1.0
    ux, uy = (ex - towards[0]) / length, (ey - towards[1]) / length
    hx, hy = ex - 11 * ux, ey - 11 * uy
    head = f"{ex:.1f},{ey:.1f} {hx - 5 * uy:.1f},{hy + 5 * ux:.1f} {hx + 5 * uy:.1f},{hy - 5 * ux:.1f}"
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    return (f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="{width:.1f}" stroke-opacity="{opacity}"'
            f'{dashes}/><polygon points="{head}" fill="{colour}" fill-opacity="{opacity}"/>')  # fmt: skip


def lever_rows(res, max_rows: int = 16) -> tuple[list[tuple[tuple, list]], int]:
    """The lever map's rows, each a destination and the levers that lead there (levers that change nothing for
    good share one row): lasting first, then tipping, held and cycling, larger groups first; and how many
    rows past ``max_rows`` are left out."""
    shown = res.reaching if res.target is not None else res.levers
    rows: dict[tuple, list] = {}
    for lv in shown:
        kind = res.kind(lv)
        key = ("held",) if kind in ("held", "cycle") and res.target is None else (kind, lv.end.tobytes()
                                                                                   if lv.end is not None else lv.changes)  # fmt: skip
        rows.setdefault(key, []).append(lv)
    rank = {"lasting": 0, "tipping": 1, "held": 2, "cycle": 3}
    order = sorted(rows.items(), key=lambda kv: (rank[kv[0][0]], -len(kv[1]), res.end_label(kv[1][0])))
    return order[:max_rows], max(0, len(order) - max_rows)


def lever_facts(lever, share: float | None, inside: bool, kind: str, labels) -> list[str]:
    """What the lever map says beside a destination: its basin (or that it holds only while the lever is held),
    the steps to it, the single changes it absorbs and, for a lever that tips, where letting go leads."""
    facts = []
    if share is not None:
        facts.append(f"basin {share:.0%}" if share >= 0.005 else "basin <1%")
    elif not inside:
        facts.append("holds only while held")
    facts.append(f"{lever.steps} step{'s' if lever.steps != 1 else ''}")
    if lever.perturbations:
        facts.append(f"absorbs {lever.absorbed}/{lever.perturbations} changes")
    if kind == "tipping":
        facts.append(f"let go: → {labels.label(lever.released)}")
    return facts


def pick_heading(res) -> str:
    """The picks' figure title: how many picks of how many scenarios, how far apart any two are and how far the
    farthest other scenario lies from its nearest pick (or, where every scenario is picked, how far apart they are)."""
    n = len(res.scenarios)
    unit = "descriptors" if (res.weights == 1).all() else "(weighted)"
    if res.everyone:
        return f"All {n} consistent scenarios" + (
            f": any two differ in at least {res.min_distance:g} {unit}" if n > 1 else ""
        )
    return (f"{len(res.picks)} picks of {n}: any two differ in at least {res.min_distance:g} {unit}; "
            f"every other scenario within {res.radius:g} of a pick (mean {res.mean:.2f})")  # fmt: skip


def left_alone_words(res, labels) -> str:
    """What the lever map says above the start: where succession goes with no lever pulled."""
    base = res.baseline
    if base.end_kind != "consistent":
        return "left alone: cycles"
    if (base.scenario == res.start).all():
        return "left alone: stays"
    return f"left alone: → {labels.key(base.scenario)}"


_LEVER_STYLES = {"lasting": (OKABE_ITO["blue"], ""), "tipping": (OKABE_ITO["orange"], "6 3"),
                 "held": (OKABE_ITO["grey"], "2 3"), "cycle": (OKABE_ITO["grey"], "2 3")}  # fmt: skip


def lever_svg(res, shares: Mapping[bytes, float] | None = None, *, basin_note: str = "", max_rows: int = 16) -> str:
    """The lever map of :func:`upheaval.report._decisions.lever_figure` as SVG text: the start on the left, each
    destination on the right (sized by its basin share, hollow when it holds only while the lever is held), the
    levers on the arrows; solid blue: stays once let go, dashed orange: tips into another future, dotted grey:
    returns."""
    from html import escape

    labels = res.labels
    order, left_out = lever_rows(res, max_rows)
    ys, bottom = [], 0.0  # each row as tall as its stack of lever labels (in rows of 60 px)
    for _, group in order:
        lines = min(len(group), 4 if len(group) == 4 else 3) + (len(group) > 4)
        ys.append(bottom + 0.27 * lines + 0.25)
        bottom = ys[-1] + 0.5
    span = max(bottom, 1.4)
    top, unit, w = 60, 64, 1000
    h = int(top + unit * (span + 0.2) + 70)

    def px(x: float) -> float:  # the matplotlib figure's x from -0.32 to 1.78
        return (x + 0.32) / 2.1 * w

    def py(y: float) -> float:
        return top + unit * (y + 0.1)

    head = (f"What it takes to reach {res.target.description}" if res.target is not None
            else f"Levers from {res.start_text}: where each one leads")  # fmt: skip
    out = [f'<svg class="figure" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" '
           f'aria-label="{escape(head)}" {_FONT}><title>{escape(head)}</title>',
           _text(w / 2, 28, head, anchor="middle", size=17)]  # fmt: skip
    y0 = span / 2
    biggest = max([*(shares or {}).values(), 1e-9])
    base = res.baseline
    back = labels.key(base.scenario) if base.end_kind == "consistent" else "a cycle"
    for (key, group), row in zip(order, ys, strict=True):
        kind = key[0]
        colour, dash = _LEVER_STYLES[kind]
        sx, sy, ex, ey = px(0.06), py(y0), px(0.97), py(row)
        path = f"M{sx:.1f},{sy:.1f} C{px(0.32):.1f},{sy:.1f} {px(0.30):.1f},{ey:.1f} {px(0.56):.1f},{ey:.1f} L{ex - 11:.1f},{ey:.1f}"
        out.append(_arrow(path, (ex, ey), (px(0.56), ey), colour, 1.3 + 0.45 * min(len(group), 4), dash))
        shown_here = group[: 4 if len(group) == 4 else 3]
        for k, lv in enumerate(shown_here):
            text = res.change_text(lv) + (f" ({' '.join(lv.actors)})" if lv.actors else "")
            ty = py(row - 0.1 - 0.25 * (len(shown_here) - 1 - k)) - 3
            tw = 7.4 * len(text) + 6
            out.append(f'<rect x="{px(0.945) - tw:.1f}" y="{ty - 13:.1f}" width="{tw:.1f}" height="17" rx="3" '
                       f'fill="white" fill-opacity="0.85"/>' + _text(px(0.945) - 3, ty, text, anchor="end"))  # fmt: skip
        if len(group) > len(shown_here):
            out.append(_text(px(0.945) - 3, py(row + 0.08) + 12, f"+ {len(group) - len(shown_here)} more",
                             anchor="end", size=11, colour="#555555"))  # fmt: skip
        nx_ = px(1.0)
        if key == ("held",):
            out.append(f'<rect x="{nx_ - 7:.1f}" y="{ey - 7:.1f}" width="14" height="14" fill="white" '
                       f'stroke="{OKABE_ITO["grey"]}" stroke-width="1.2"/>')  # fmt: skip
            out.append(
                _text(px(1.05), ey - 4, f"hold only while held ({len(group)} lever{'s' if len(group) != 1 else ''})")
            )
            out.append(_text(px(1.05), ey + 14, f"let go: back to {back}", size=11, colour="#444444"))
            continue
        lv0 = group[0]
        if lv0.end is None:
            out.append(_text(nx_, ey + 4, "runs round a cycle", colour="#555555"))
            continue
        is_target = res.target is not None and res.reaches(lv0)
        share = (shares or {}).get(lv0.end.tobytes())
        inside = labels.inside(lv0.end)
        r = math.sqrt(120 + 1000 * (share / biggest) ** 0.5 if share else 120) * 0.62  # matplotlib's s is an area
        face = (OKABE_ITO["orange"] if is_target and kind == "lasting" else OKABE_ITO["blue"]) if inside else "white"
        ring = "" if inside else ' stroke-dasharray="4 2"'
        out.append(f'<circle cx="{nx_:.1f}" cy="{ey:.1f}" r="{r:.1f}" fill="{face}" stroke="black"{ring}/>')
        out.append(_text(px(1.05), ey - 4, labels.label(lv0.end), width=44, bold=is_target, up=True))
        facts = lever_facts(lv0, share, inside, kind, labels)
        out.append(_text(px(1.05), ey + 14, " · ".join(facts), width=64, size=11, colour="#444444",
                         bold=kind == "tipping", gap=14))  # fmt: skip
    if not order:
        out.append(_text(px(0.6), py(y0) + 4, "no lever set reaches it", anchor="middle"))
    sx, sy = px(0), py(y0)
    out.append(
        f'<circle cx="{sx:.1f}" cy="{sy:.1f}" r="20" fill="{OKABE_ITO["yellow"]}" stroke="black" stroke-width="1.2"/>'
    )
    out.append(_text(sx, sy + 4, "start", anchor="middle", size=12, bold=True))
    out.append(_text(px(-0.02), sy + 40, res.start_words, width=24, anchor="middle", size=12))
    alone = left_alone_words(res, labels)
    out.append(_text(px(-0.02), sy - 30, alone, anchor="middle", size=12, italic=True, colour="#444444"))
    x, y = 20, h - 40
    for text, (colour, dash) in (("stays once the lever is let go", _LEVER_STYLES["lasting"]),
                                 ("let go, it tips into another future", _LEVER_STYLES["tipping"]),
                                 ("holds only while held", _LEVER_STYLES["held"])):  # fmt: skip
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<line x1="{x}" y1="{y - 4}" x2="{x + 30}" y2="{y - 4}" stroke="{colour}" stroke-width="2.5"{dashes}/>'
        )
        out.append(_text(x + 36, y, text, size=12))
        x += 48 + 7 * len(text)
    out.append(f'<circle cx="{x + 8}" cy="{y - 4}" r="7" fill="{OKABE_ITO["blue"]}" stroke="black"/>')
    out.append(_text(x + 20, y, "size: basin (starts ending there)", size=12))
    note = "; ".join(s for s in (basin_note, f"{left_out} more destinations not drawn" if left_out else "") if s)
    if note:
        out.append(_text(w - 10, h - 12, note, anchor="end", size=11, colour="#555555"))
    out.append("</svg>")
    return "".join(out)


def pick_points(res) -> np.ndarray:
    """Where the picks' map places each candidate: classical MDS of their distances, jittered (seeded) so that
    equal scenarios stay apart."""
    from upheaval.analysis import classical_mds, scenario_distances

    n = len(res.scenarios)
    if n >= 3:
        xy, _ = classical_mds(scenario_distances(res.scenarios, weights=res.weights))
        xy = np.asarray(xy, dtype=float)
        if xy.shape[1] < 2:
            xy = np.column_stack([xy[:, 0] if xy.shape[1] else np.zeros(n), np.zeros(n)])
    else:
        xy = np.array([[0.0, 0.0], [1.0, 0.0]])[:n]
    rng = np.random.default_rng(0)
    return xy + rng.normal(scale=0.03, size=xy.shape) * (np.ptp(xy, axis=0) + 1e-9)


PICK_COLOURS = [OKABE_ITO[c] for c in ("blue", "orange", "green", "purple", "vermillion", "sky", "yellow", "black")]


def pick_svg(res) -> str:
    """The picks of :func:`upheaval.report._decisions.pick_figure` as SVG text: every candidate on a map (classical
    MDS of their distances) tied to its nearest pick, the picks as stars, and beside it how many scenarios each
    pick covers and how far the farthest lies."""
    from html import escape

    n = len(res.scenarios)
    w, h = 1000, 615
    left, top, right, bottom = 50, 60, 640, 540
    head = pick_heading(res)
    out = [f'<svg class="figure" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" '
           f'aria-label="{escape(head)}" {_FONT}><title>{escape(head)}</title>',
           _text(w / 2, 28, head, anchor="middle", size=15),
           f'<rect x="{left}" y="{top}" width="{right - left}" height="{bottom - top}" fill="none" stroke="#cccccc"/>']  # fmt: skip
    xy = pick_points(res) if n else np.zeros((0, 2))
    if n:
        lo, span = xy.min(axis=0), np.ptp(xy, axis=0) + 1e-9
        px = left + 0.1 * (right - left) + (xy[:, 0] - lo[0]) / span[0] * 0.8 * (right - left)
        py = bottom - 0.1 * (bottom - top) - (xy[:, 1] - lo[1]) / span[1] * 0.8 * (bottom - top)
    colour = {p: PICK_COLOURS[m % len(PICK_COLOURS)] for m, p in enumerate(res.picks)}
    for s in range(n):
        if s in colour:
            continue
        p = res.picks[int(res.nearest[s])]
        out.append(f'<line x1="{px[s]:.1f}" y1="{py[s]:.1f}" x2="{px[p]:.1f}" y2="{py[p]:.1f}" stroke="{colour[p]}" '
                   f'stroke-width="0.8" stroke-opacity="0.5"/><circle cx="{px[s]:.1f}" cy="{py[s]:.1f}" r="3.6" '
                   f'fill="{colour[p]}" fill-opacity="0.55"/>')  # fmt: skip
        if n <= 40:
            out.append(_text(px[s] + 4, py[s] - 4, res.labels.key(res.scenarios[s]), size=11, colour="#444444"))
    middle = (left + right) / 2
    for p in res.picks:
        x, y = px[p], py[p]
        star = " ".join(f"{x + (10 if k % 2 == 0 else 4.2) * math.sin(k * math.pi / 5):.1f},"
                        f"{y - (10 if k % 2 == 0 else 4.2) * math.cos(k * math.pi / 5):.1f}" for k in range(10))  # fmt: skip
        out.append(f'<polygon points="{star}" fill="{colour[p]}" stroke="black" stroke-width="0.9"/>')
        right_half = x > middle  # labels of points on the right half go to their left, inside the map
        lines = _lines(res.label(p), 30)
        tw, th = 7.6 * max(len(s) for s in lines) + 8, 16 * len(lines) + 4
        bx = x - 12 - tw if right_half else x + 12
        by = y - 8 - th
        out.append(f'<rect x="{bx:.1f}" y="{by:.1f}" width="{tw:.1f}" height="{th:.1f}" rx="3" fill="white" '
                   f'fill-opacity="0.9" stroke="{colour[p]}"/>' + _text(bx + 4, by + 15, res.label(p), width=30, bold=True))  # fmt: skip
    out.append(_text((left + right) / 2, bottom + 30, "MDS axis 1 (descriptors that differ)", anchor="middle", size=12))
    out.append(f'<text transform="translate({left - 14},{(top + bottom) / 2}) rotate(-90)" text-anchor="middle" '
               f'font-size="12">MDS axis 2</text>')  # fmt: skip
    covered = [[s for s in range(n) if res.picks[int(res.nearest[s])] == p and s != p] for p in res.picks]
    most = max([len(c) for c in covered] + [1]) * 1.9 + 1
    bl, br = 760, 980
    bar_h = min(40, (bottom - top) / max(len(res.picks), 1) * 0.7)
    for m, (p, c) in enumerate(zip(res.picks, covered, strict=True)):
        y = top + (m + 0.5) * (bottom - top) / max(len(res.picks), 1)
        width = len(c) / most * (br - bl)
        far = max((res.distance[s] for s in c), default=0)
        out.append(f'<rect x="{bl}" y="{y - bar_h / 2:.1f}" width="{width:.1f}" height="{bar_h:.1f}" fill="{colour[p]}" '
                   f'stroke="black" stroke-width="0.6"/>')  # fmt: skip
        out.append(_text(bl + width + 4, y + 4, f"{len(c)}, farthest {far:g} away", size=12))
        out.append(_text(bl - 8, y + 4, res.labels.key(res.scenarios[p]), anchor="end"))
    out.append(f'<line x1="{bl}" y1="{top}" x2="{bl}" y2="{bottom}" stroke="black"/>')
    out.append(_text((bl + br) / 2, bottom + 30, "scenarios nearest to each pick", anchor="middle", size=12))
    how = ("exact: every subset accounted for" if res.exact
           else f"heuristic; no {len(res.picks)} picks can differ pairwise in more than {res.upper_bound:g}")  # fmt: skip
    out.append(_text(w - 10, h - 10, how, anchor="end", size=11, colour="#555555"))
    out.append("</svg>")
    return "".join(out)


def shock_svg(res) -> str:
    """A shock of :func:`upheaval.report._decisions.shock_figure` as SVG text: each consistent scenario (and the
    present) as a box on the left, where succession takes it under the shock in the middle, where it goes once
    the shock lifts on the right; red for scenarios the shock makes inconsistent."""
    from html import escape

    label = res.label
    starts = [label(p.start) for p in res.paths]
    during = list(dict.fromkeys(label(p.during) for p in res.paths))
    after = list(dict.fromkeys(label(p.after) for p in res.paths))
    rows = max(len(starts), len(during), len(after), 1)
    w, top, step, bw, bh = 1000, 110, 62, 250, 48
    h = top + step * rows + 10
    xs = (140, 500, 860)

    def ys(items: list) -> dict:
        off = (rows - len(items)) / 2
        return {t: top + step * (off + k) + step / 2 for k, t in enumerate(items)}

    y_start, y_during, y_after = ys(list(range(len(starts)))), ys(during), ys(after)
    s = res.shock
    head = f"Shock: {s.label} — {len(res.survivors)} of {len(res.baseline)} futures survive"
    forced = ", ".join(f"{res.cim.descriptor_ids[i]}={'|'.join(res.cim.variant_ids[i][v] for v in vs)}"
                       for i, vs in res.fix.items())  # fmt: skip
    sub = "; ".join(x for x in (f"forces {forced}" if forced else "",
                                f"adds {len(s.impacts)} judgement section{'s' if len(s.impacts) != 1 else ''}"
                                if s.impacts else "") if x)  # fmt: skip
    out = [f'<svg class="figure" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" '
           f'aria-label="{escape(head)}" {_FONT}><title>{escape(head)}</title>',
           _text(w / 2, 26, head, anchor="middle", size=17),
           _text(w / 2, 50, sub + "; red: made inconsistent by the shock (X: holds only while it lasts)",
                 anchor="middle", size=12, colour="#444444")]  # fmt: skip
    for x, text in zip(xs, ("consistent before", "while the shock lasts", "after it lifts"), strict=True):
        out.append(_text(x, top - 16, text, anchor="middle", size=14, bold=True))

    def box(x: float, y: float, text: str, edge: str = "black", face: str = "white", bold: bool = False) -> str:
        lines = _lines(text, 30)
        return (f'<rect x="{x - bw / 2:.1f}" y="{y - bh / 2:.1f}" width="{bw}" height="{bh}" rx="7" fill="{face}" '
                f'stroke="{edge}" stroke-width="{1.6 if bold else 1.0}"/>'
                + _text(x, y + 4 - 7.5 * (len(lines) - 1), text, width=30, anchor="middle", size=12, bold=bold, gap=15))  # fmt: skip

    for k, p in enumerate(res.paths):
        a, b = (xs[0] + bw / 2 + 2, y_start[k]), (xs[1] - bw / 2 - 2, y_during[label(p.during)])
        colour = OKABE_ITO["vermillion"] if not p.survives else OKABE_ITO["grey"]
        mx, my = (a[0] + b[0]) / 2 - 0.05 * (b[1] - a[1]), (a[1] + b[1]) / 2 + 0.05 * (b[0] - a[0])
        out.append(_arrow(f"M{a[0]:.1f},{a[1]:.1f} Q{mx:.1f},{my:.1f} {b[0]:.1f},{b[1]:.1f}", b, (mx, my), colour, 1.4))
    for p in res.paths:
        a, b = (xs[1] + bw / 2 + 2, y_during[label(p.during)]), (xs[2] - bw / 2 - 2, y_after[label(p.after)])
        out.append(_arrow(f"M{a[0]:.1f},{a[1]:.1f} L{b[0]:.1f},{b[1]:.1f}", b, a, OKABE_ITO["blue"], 1.2, opacity=0.7))
    for k, p in enumerate(res.paths):
        present = k == res.present
        out.append(box(xs[0], y_start[k], starts[k] + (" (the present)" if present else ""),
                       OKABE_ITO["black"] if p.survives else OKABE_ITO["vermillion"],
                       "#FFF7D6" if present else "white", present))  # fmt: skip
    outside = {label(r) for r in res.new}
    for t, y in y_during.items():
        out.append(box(xs[1], y, t, OKABE_ITO["vermillion"] if t in outside or t.startswith("X") else "black"))
    for t, y in y_after.items():
        out.append(box(xs[2], y, t))
    out.append("</svg>")
    return "".join(out)
