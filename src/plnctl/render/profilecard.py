"""Your profile as a card to publish: Markdown, one self-contained HTML file, or versioned JSON.

Every string in it was typed by someone, so each form escapes it: Markdown
its punctuation, HTML its markup (the page loads nothing from elsewhere).
The JSON form is what `plnctl import` reads back as a person tie.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from plnctl.render.lines import export_text

if TYPE_CHECKING:
    from plnctl.profile import Card


def publish(card: Card, fmt: str, output: Path | None, *, data_dir: Path, force: bool) -> None:
    """The card on stdout, or in `output` (never in the data directory; replaced only with
    `force`), in `fmt`: markdown, html or json."""
    if fmt == "json":
        import json

        text = json.dumps(card_json(card), ensure_ascii=False, indent=2) + "\n"
    elif fmt == "html":
        text = card_html(card)
    else:
        text = card_markdown(card)
    export_text(text, output, data_dir=data_dir, force=force)
    if output is not None and str(output) != "-":
        from plnctl.render.terminal import say

        say(f"wrote your profile ({fmt}) to {output}")


def card_json(card: Card) -> dict[str, Any]:
    """The published profile (docs/json.md, "The published profile")."""
    from plnctl.profile import CARD_FORMAT, CARD_VERSION

    p = card.profile
    return {
        "format": CARD_FORMAT,
        "version": CARD_VERSION,
        "published": card.today.isoformat(),
        "name": p.name,
        "about": p.about,
        "links": list(p.links),
        "learning": [
            {
                "topic": g.topic,
                "why": g.why,
                "until": g.until.isoformat() if g.until else None,
                "sources": [{"name": s.name, "url": s.url} for s in card.reading.get(g.topic, [])],
            }
            for g in card.goals
        ],
        "learned": [
            {"topic": g.topic, "done": g.done.isoformat() if g.done else None} for g in card.learned
        ],
        "teaching": [{"topic": o.topic, "note": o.note} for o in p.teach],
        "projects": [{"name": x.name, "url": x.url, "note": x.note} for x in p.projects],
    }


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def _md(text: str) -> str:
    """Text that Markdown shows as typed: its special characters escaped, one line."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _md_link(text: str, url: str | None) -> str:
    if not url or not re.match(r"^https?://", url):
        return _md(text)
    return f"[{_md(text)}](<{url.replace('>', '%3E').replace(' ', '%20')}>)"


def card_markdown(card: Card) -> str:
    p = card.profile
    out = [f"# {_md(p.name) if p.name else 'My learning profile'}", ""]
    if p.about:
        out += [_md(p.about), ""]
    if p.links:
        out += [" · ".join(_md_link(link, link) for link in p.links), ""]
    if card.goals:
        out += ["## What I am learning", ""]
        for g in card.goals:
            until = f" (by {g.until.isoformat()})" if g.until else ""
            why = f": {_md(g.why)}" if g.why else ""
            out.append(f"- **{_md(g.topic)}**{until}{why}")
            for source in card.reading.get(g.topic, []):
                out.append(f"  - {_md_link(source.name, source.url)}")
        out.append("")
    if p.teach:
        out += ["## What I can help you learn", ""]
        out += [f"- **{_md(o.topic)}**" + (f": {_md(o.note)}" if o.note else "") for o in p.teach]
        out.append("")
    if p.projects:
        out += ["## Projects", ""]
        out += [
            f"- {_md_link(x.name, x.url)}" + (f": {_md(x.note)}" if x.note else "")
            for x in p.projects
        ]
        out.append("")
    if card.learned:
        out += ["## Learned", ""]
        out += [f"- {_md(g.topic)}" for g in card.learned]
        out.append("")
    out.append(f"_Published with plnctl on {card.today.isoformat()}._")
    return "\n".join(out) + "\n"


def _h(text: str) -> str:
    return html.escape(text, quote=True)


def _h_link(text: str, url: str | None) -> str:
    if not url or not re.match(r"^https?://", url):
        return _h(text)
    return f'<a href="{_h(url)}" rel="noopener noreferrer">{_h(text)}</a>'


_STYLE = """
body { font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 2rem auto;
       padding: 0 1rem; color: #222; background: #fff; }
h1 { margin-bottom: .2rem; } h2 { margin-top: 2rem; font-size: 1.15rem; }
.about { color: #444; } .links a { margin-right: 1rem; }
li { margin: .3rem 0; } .note { color: #555; } footer { margin-top: 3rem; color: #777;
font-size: .85rem; }
"""


def card_html(card: Card) -> str:
    p = card.profile
    title = _h(p.name) if p.name else "My learning profile"
    body = [f"<h1>{title}</h1>"]
    if p.about:
        body.append(f'<p class="about">{_h(p.about)}</p>')
    if p.links:
        body.append('<p class="links">' + " ".join(_h_link(u, u) for u in p.links) + "</p>")
    if card.goals:
        body.append("<h2>What I am learning</h2><ul>")
        for g in card.goals:
            until = f" (by {g.until.isoformat()})" if g.until else ""
            why = f' <span class="note">— {_h(g.why)}</span>' if g.why else ""
            sources = "".join(
                f"<li>{_h_link(s.name, s.url)}</li>" for s in card.reading.get(g.topic, [])
            )
            nested = f"<ul>{sources}</ul>" if sources else ""
            body.append(f"<li><strong>{_h(g.topic)}</strong>{until}{why}{nested}</li>")
        body.append("</ul>")
    if p.teach:
        body.append("<h2>What I can help you learn</h2><ul>")
        for o in p.teach:
            note = f' <span class="note">— {_h(o.note)}</span>' if o.note else ""
            body.append(f"<li><strong>{_h(o.topic)}</strong>{note}</li>")
        body.append("</ul>")
    if p.projects:
        body.append("<h2>Projects</h2><ul>")
        for x in p.projects:
            note = f' <span class="note">— {_h(x.note)}</span>' if x.note else ""
            body.append(f"<li>{_h_link(x.name, x.url)}{note}</li>")
        body.append("</ul>")
    if card.learned:
        body.append("<h2>Learned</h2><ul>")
        body.extend(f"<li>{_h(g.topic)}</li>" for g in card.learned)
        body.append("</ul>")
    body.append(f"<footer>Published with plnctl on {card.today.isoformat()}.</footer>")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">\n"
        f"<title>{title}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )
