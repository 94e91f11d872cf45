"""`plnctl map`: your network as one self-contained HTML page with an SVG ego map.

You sit in the middle; strong ties are close, weak ties further out, dormant
ties at the edge. Each topic has its own sector and colour, a node's size
follows its engagement, sources are squares and people circles, and dashed
lines run from a tie to the ties it led you to (`via`). Hovering or clicking
a tie shows its status, when you last engaged and the next step. Beside the
map: the year's activity heatmap and the topics with the most engagement.

The page needs nothing from the network: styles, SVG and a little script
are inline. Every string a user typed is escaped for HTML, and the data the
script reads is JSON with `<`, `>` and `&` escaped, so a name such as
`<script>` stays text. With many ties only the most engaged are drawn (see
`choose`), and the page says how many were left out.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from plnctl.network.queries import Ego
    from plnctl.review import TieView

SIZE = 900  # the map's viewBox, in SVG units
RINGS = {"strong": 0.30, "weak": 0.62, "dormant": 0.9}  # radius, as a share of SIZE / 2
BAND = 0.1  # how far inside its ring a tie may sit: the more engaged, the closer
# At most this many ties of each status are drawn; the rest are counted.
SHOWN = {"strong": 120, "weak": 200, "dormant": 60}
LABELLED = 60  # at most this many ties carry their name (the rest show it on hover)
PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#e15759",
    "#76b7b2",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#2f4b7c",
)
OTHER = "#9a9a9a"  # ties of no top topic
HEAT = ("#ebedf0", "#c6e48b", "#7bc96f", "#239a3b", "#196127")
STATUS_COLOUR = {"strong": "#196127", "weak": "#b58900", "dormant": "#888888"}


@dataclass
class Node:
    view: TieView
    topic: str  # the topic key it is drawn under ("" for none)
    x: float = 0.0
    y: float = 0.0
    r: float = 0.0


def choose(views: Sequence[TieView]) -> tuple[list[TieView], dict[str, int]]:
    """The ties to draw, most engaged first within each status, and how many were left out."""
    chosen: list[TieView] = []
    left: dict[str, int] = {}
    for status, cap in SHOWN.items():
        group = [v for v in views if v.derived.status == status]
        if status == "dormant":
            group.sort(key=lambda v: (-(v.derived.last_event or _EPOCH).toordinal(), v.slug))
        else:
            group.sort(key=lambda v: (-v.derived.score, v.slug))
        chosen.extend(group[:cap])
        if len(group) > cap:
            left[status] = len(group) - cap
    return chosen, left


def page(ego: Ego) -> str:
    """The whole HTML page."""
    from plnctl.text import label_key

    shown, left = choose(ego.views)
    topics = [label_key(t.topic) for t in ego.activity.topics]
    colours = {key: PALETTE[i % len(PALETTE)] for i, key in enumerate(topics)}
    names = {label_key(t.topic): t.topic for t in ego.activity.topics}
    nodes = _layout(shown, topics)
    by_slug = {n.view.slug: n for n in nodes}
    svg = [
        f'<svg id="map" viewBox="0 0 {SIZE} {SIZE}" role="img" '
        f'aria-label="Your learning network, you in the middle">'
    ]
    centre = SIZE / 2
    for status, share in RINGS.items():
        svg.append(
            f'<circle class="ring" cx="{centre}" cy="{centre}" r="{share * centre:.1f}"/>'
            f'<text class="ring-label" x="{centre}" y="{centre - share * centre + 14:.1f}">'
            f"{status}</text>"
        )
    for n in nodes:
        via = by_slug.get(n.view.tie.via or "")
        if via is not None:
            svg.append(
                f'<line class="via" x1="{via.x:.1f}" y1="{via.y:.1f}" '
                f'x2="{n.x:.1f}" y2="{n.y:.1f}"/>'
            )
    svg.append(
        f'<circle class="you" cx="{centre}" cy="{centre}" r="18"/>'
        f'<text class="you-label" x="{centre}" y="{centre + 5}">you</text>'
    )
    data: list[dict[str, Any]] = []
    labels: list[tuple[float, float, float, float]] = []
    for i, n in enumerate(nodes):
        v, d = n.view, n.view.derived
        colour = colours.get(n.topic, OTHER)
        name = html.escape(v.name)
        shape = (
            f'<rect x="{n.x - n.r:.1f}" y="{n.y - n.r:.1f}" width="{2 * n.r:.1f}" '
            f'height="{2 * n.r:.1f}" rx="2" fill="{colour}"/>'
            if v.tie.kind == "source"
            else f'<circle cx="{n.x:.1f}" cy="{n.y:.1f}" r="{n.r:.1f}" fill="{colour}"/>'
        )
        label = ""
        if i < LABELLED and _room_for_label(n, v.name, labels):
            label = (
                f'<text class="name" x="{n.x + n.r + 3:.1f}" y="{n.y + 4:.1f}">'
                f"{html.escape(_short(v.name))}</text>"
            )
        svg.append(
            f'<g class="tie {d.status}" data-i="{i}" data-slug="{html.escape(v.slug)}" '
            f'tabindex="0"><title>{name} ({d.status})</title>{shape}{label}</g>'
        )
        item = ego.step(v)
        data.append(
            {
                "slug": v.slug,
                "name": v.name,
                "kind": v.tie.kind,
                "status": d.status,
                "score": round(d.score, 1),
                "trend": d.trend,
                "last": d.last_event.isoformat() if d.last_event else None,
                "days": d.days_since,
                "topics": list(v.tie.topics),
                "via": v.tie.via,
                "why": list(item.reasons),
                "advice": item.advice,
                "command": item.command,
            }
        )
    svg.append("</svg>")
    total = len(ego.views)
    counts = {s: sum(1 for v in ego.views if v.derived.status == s) for s in RINGS}
    summary = ", ".join(f"{counts[s]:,} {s}" for s in RINGS)
    omitted = ""
    if left:
        rest = ", ".join(f"{n:,} {s}" for s, n in left.items())
        omitted = (
            f'<p class="omitted" id="omitted">{sum(left.values()):,} more ties are not drawn '
            f"({rest}): the map shows {len(shown):,}, the most engaged of each status.</p>"
        )
    legend = "".join(
        f'<li><span class="swatch" style="background:{colours[key]}"></span>'
        f"{html.escape(names[key])}</li>"
        for key in topics
    )
    now = ego.activity.months[-1]  # the year up to as_of, as in the review
    stage = f"participation: {now.stage}" if now.share is not None else "no events this year yet"
    return TEMPLATE.format(
        as_of=ego.as_of.isoformat(),
        summary=html.escape(f"{total:,} ties: {summary}; {stage}"),
        omitted=omitted,
        svg="\n".join(svg),
        heatmap=_heatmap(ego),
        topics=_topics(ego, colours),
        legend=legend,
        other=OTHER,
        data=_script_json(data),
        style=STYLE,
        script=SCRIPT,
    )


_EPOCH = dt.date(1, 1, 1)


def _room_for_label(n: Node, name: str, taken: list[tuple[float, float, float, float]]) -> bool:
    """Whether a name fits beside its node without covering a name already placed."""
    box = (n.x + n.r + 3, n.y - 8, n.x + n.r + 3 + 6.2 * len(_short(name)), n.y + 5)
    if any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in taken):
        return False
    taken.append(box)
    return True


def _short(name: str, most: int = 24) -> str:
    return name if len(name) <= most else name[: most - 1].rstrip() + "…"


def _layout(views: Sequence[TieView], topics: Sequence[str]) -> list[Node]:
    """Place each tie on its status's ring, in its topic's sector, the most engaged inside."""
    from plnctl.text import label_key

    top = set(topics)
    nodes = []
    for v in views:
        keys = [label_key(t) for t in v.tie.topics]
        topic = next((k for k in keys if k in top), "")
        nodes.append(Node(v, topic))
    order = {key: i for i, key in enumerate(topics)}
    nodes.sort(key=lambda n: (order.get(n.topic, len(order)), -n.view.derived.score, n.view.slug))
    # Each topic gets a sector as wide as its share of the ties drawn.
    sectors: dict[str, list[Node]] = {}
    for n in nodes:
        sectors.setdefault(n.topic, []).append(n)
    centre = SIZE / 2
    start = -math.pi / 2
    count = max(len(nodes), 1)
    top_score = max((n.view.derived.score for n in nodes), default=0.0) or 1.0
    for members in sectors.values():
        width = 2 * math.pi * len(members) / count
        for status, share in RINGS.items():
            ring = [n for n in members if n.view.derived.status == status]
            # A crowded ring draws smaller nodes, so they do not cover each other.
            crowd = max(1, sum(1 for m in nodes if m.view.derived.status == status))
            shrink = min(1.0, max(0.4, math.sqrt(40 / crowd)))
            for j, n in enumerate(ring):
                angle = start + width * (j + 0.5) / len(ring)
                closeness = math.sqrt(n.view.derived.score / top_score)
                radius = (share - BAND * closeness) * centre
                n.x = centre + radius * math.cos(angle)
                n.y = centre + radius * math.sin(angle)
                n.r = min(4.0 + 2.2 * math.sqrt(n.view.derived.score), 14.0) * shrink
        start += width
    # Nodes in list order: the most engaged first, so they are labelled.
    nodes.sort(key=lambda n: (-n.view.derived.score, n.view.slug))
    return nodes


def _heatmap(ego: Ego) -> str:
    grid = ego.activity.heatmap
    busiest = ego.activity.busiest_day
    cell = 11
    out = [
        f'<svg id="heatmap" viewBox="0 0 {len(grid) * cell + 2} {7 * cell + 2}" '
        f'role="img" aria-label="Events per day, last 52 weeks">'
    ]
    for w, week in enumerate(grid):
        for d, count in enumerate(week):
            if count is None:
                continue
            level = 0 if not count else 1 + (count - 1) * 3 // max(busiest - 1, 1)
            day = ego.activity.heatmap_start + dt.timedelta(weeks=w, days=d)
            out.append(
                f'<rect x="{w * cell + 1}" y="{d * cell + 1}" width="{cell - 2}" '
                f'height="{cell - 2}" fill="{HEAT[level]}"><title>{day.isoformat()}: '
                f"{count} event{'' if count == 1 else 's'}</title></rect>"
            )
    out.append("</svg>")
    return "".join(out)


def _topics(ego: Ego, colours: dict[str, str]) -> str:
    from plnctl.text import label_key

    if not ego.activity.topics:
        return "<p>No topic has any engagement yet.</p>"
    rows = []
    for t in ego.activity.topics:
        colour = colours.get(label_key(t.topic), OTHER)
        rows.append(
            f'<li><span class="swatch" style="background:{colour}"></span>'
            f"{html.escape(t.topic)} <small>{t.engagement:.1f} · {t.ties} "
            f"tie{'' if t.ties == 1 else 's'}</small></li>"
        )
    return '<ol id="topics">' + "".join(rows) + "</ol>"


def _script_json(data: object) -> str:
    """JSON safe inside a <script> element: no `<`, `>` or `&` can end it early."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #222; background: #fafafa; }
header { padding: 12px 20px; border-bottom: 1px solid #ddd; background: #fff; }
h1 { font-size: 20px; margin: 0 0 4px; }
main { display: flex; flex-wrap: wrap; gap: 20px; padding: 20px; }
#map { width: min(900px, 95vw, calc(100vh - 150px)); min-width: 320px; height: auto;
  background: #fff; border: 1px solid #ddd; }
aside { flex: 1; min-width: 280px; max-width: 560px; }
section { background: #fff; border: 1px solid #ddd; padding: 10px 14px; margin-bottom: 16px; }
h2 { font-size: 15px; margin: 0 0 8px; }
.ring { fill: none; stroke: #ddd; stroke-dasharray: 4 4; }
.ring-label { fill: #aaa; font-size: 12px; text-anchor: middle; }
.you { fill: #222; }
.you-label { fill: #fff; font-size: 12px; text-anchor: middle; font-weight: bold; }
.via { stroke: #999; stroke-width: 1; stroke-dasharray: 3 3; }
.tie { cursor: pointer; }
.tie rect, .tie circle { stroke: #fff; stroke-width: 1.5; }
.tie.dormant rect, .tie.dormant circle { opacity: 0.55; }
.tie:hover rect, .tie:hover circle, .tie.picked rect, .tie.picked circle { stroke: #000; }
.name { font-size: 11px; fill: #333; pointer-events: none; }
#heatmap { width: 100%; height: auto; }
.swatch { display: inline-block; width: 10px; height: 10px; margin-right: 6px; }
#topics, #legend { padding-left: 20px; margin: 0; }
#legend { list-style: none; padding: 0; columns: 2; }
#details code { background: #f0f0f0; padding: 2px 4px; white-space: nowrap; }
.omitted { color: #a33; }
"""

SCRIPT = """
(function () {
  var ties = JSON.parse(document.getElementById("ties").textContent);
  var panel = document.getElementById("details");
  var picked = null;
  function line(label, value) {
    var p = document.createElement("p");
    var b = document.createElement("b");
    b.textContent = label + ": ";
    p.appendChild(b);
    p.appendChild(document.createTextNode(value));
    return p;
  }
  function show(i) {
    var t = ties[i];
    panel.textContent = "";
    var h = document.createElement("h2");
    h.textContent = t.name + " (" + t.slug + ")";
    panel.appendChild(h);
    panel.appendChild(line("status", t.status + ", score " + t.score + ", trend " + t.trend));
    var last = t.last === null ? "never" :
      t.last + (t.days === 0 ? " (today)" : " (" + t.days + " days ago)");
    panel.appendChild(line("last engaged", last));
    if (t.topics.length) { panel.appendChild(line("topics", t.topics.join(", "))); }
    if (t.via) { panel.appendChild(line("via", t.via)); }
    t.why.forEach(function (w) { panel.appendChild(line("why", w)); });
    var next = line("next step", t.advice || "nothing to do");
    if (t.command) {
      var c = document.createElement("code");
      c.textContent = t.command;
      next.appendChild(document.createTextNode(" "));
      next.appendChild(c);
    }
    panel.appendChild(next);
  }
  function pick(g) {
    if (picked !== null) { picked.classList.remove("picked"); }
    picked = g;
    g.classList.add("picked");
    show(Number(g.getAttribute("data-i")));
  }
  // map.html#SLUG opens with that tie picked.
  var wanted = decodeURIComponent(location.hash.slice(1));
  document.querySelectorAll("#map .tie").forEach(function (g) {
    var i = Number(g.getAttribute("data-i"));
    g.addEventListener("mouseenter", function () { if (picked === null) { show(i); } });
    g.addEventListener("click", function () { pick(g); });
    g.addEventListener("keydown", function (e) { if (e.key === "Enter") { pick(g); } });
    if (wanted && g.getAttribute("data-slug") === wanted) { pick(g); }
  });
  document.body.setAttribute("data-ready", String(ties.length));
})();
"""

TEMPLATE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy"
 content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>plnctl map, {as_of}</title>
<style>{style}</style>
</head>
<body>
<header>
<h1>Your learning network, as of {as_of}</h1>
<p>{summary}. Strong ties close to you, weak further out, dormant at the edge;
size is engagement, squares are sources, dashed lines lead from a tie to those it led you to.</p>
{omitted}
</header>
<main>
{svg}
<aside>
<section id="details"><h2>A tie</h2><p>Hover over or click a tie to see its status,
when you last engaged and the next step.</p></section>
<section><h2>Colours: topics</h2><ul id="legend">{legend}
<li><span class="swatch" style="background:{other}"></span>other topics</li></ul></section>
<section><h2>Events per day, last 52 weeks</h2>{heatmap}</section>
<section><h2>Topics with the most engagement</h2>{topics}</section>
</aside>
</main>
<script type="application/json" id="ties">{data}</script>
<script>{script}</script>
</body>
</html>
"""
