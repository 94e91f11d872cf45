"""Graphviz DOT: the map of `plnctl map` as a graph, for `plnctl export --format dot`.

You are the node `you`; an edge runs from you to every tie, short for strong
ties and long for dormant ones (`len`, which `neato` and `fdp` honour), and a
dashed edge runs from a tie to every tie it led you to (`via`). Every name
is a quoted, escaped DOT string.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from plnctl.review import TieView

LENGTH = {"strong": 1.0, "weak": 2.0, "dormant": 3.0}
COLOUR = {"strong": "#196127", "weak": "#b58900", "dormant": "#888888"}


def quote(text: str) -> str:
    """A DOT string: backslashes and quotes escaped, line breaks as `\\n`."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return f'"{escaped}"'


def dump(views: Sequence[TieView]) -> str:
    slugs = {v.slug for v in views}
    lines = [
        "// plnctl: your learning network; draw it with: neato -Tsvg network.dot > network.svg",
        "graph plnctl {",
        '  graph [overlap=false, splines=true, outputorder="edgesfirst"];',
        '  node [fontname="Helvetica", fontsize=10, style=filled, fontcolor="#222222"];',
        '  you [label="you", shape=circle, fillcolor="#222222", fontcolor="#ffffff"];',
    ]
    for v in sorted(views, key=lambda v: v.slug):
        d = v.derived
        shape = "box" if v.tie.kind == "source" else "ellipse"
        tooltip = f"{v.name}: {d.status}, score {d.score:.1f}, trend {d.trend}"
        lines.append(
            f"  {quote(v.slug)} [label={quote(v.name)}, shape={shape}, "
            f'fillcolor="{COLOUR.get(d.status, "#cccccc")}33", color="{COLOUR.get(d.status)}", '
            f"tooltip={quote(tooltip)}];"
        )
        lines.append(
            f"  you -- {quote(v.slug)} [len={LENGTH.get(d.status, 2.0)}, "
            f'color="#cccccc", class={quote(d.status)}];'
        )
    for v in sorted(views, key=lambda v: v.slug):
        if v.tie.via and v.tie.via in slugs:
            lines.append(
                f"  {quote(v.tie.via)} -- {quote(v.slug)} "
                '[style=dashed, color="#777777", label="led to", fontsize=8];'
            )
    lines.append("}")
    return "\n".join(lines) + "\n"
