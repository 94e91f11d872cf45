"""Shell completion: tie slugs, topics and tags read straight from the data directory.

A shell asks on every TAB, so this reads the files with tomllib alone (no
pydantic, no validation) and only the part above the first `[[events]]`.
An unreadable file is skipped: completion never prints an error.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer

from plnctl.store import TIE_SUFFIX, resolve_data_dir

_EVENTS = "\n[[events]]"


def data_dir_of(ctx: typer.Context | None) -> Path:
    """--data-dir if already typed on the command line, else the usual lookup."""
    option = None
    if ctx is not None:
        option = ctx.find_root().params.get("data_dir")
    return resolve_data_dir(option)


def read_heads(root: Path) -> list[tuple[str, dict[str, Any]]]:
    """(slug, fields) of every tie file, parsed without its events."""
    import tomllib

    from plnctl.model import SLUG_RE

    heads = []
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError:
        return []
    for entry in entries:
        slug = entry.name[: -len(TIE_SUFFIX)]
        if not entry.name.endswith(TIE_SUFFIX) or not SLUG_RE.match(slug):
            continue
        try:
            with open(entry.path, "rb") as handle:
                text = handle.read().decode("utf-8")
            head, _, _ = text.partition(_EVENTS)
            try:
                data = tomllib.loads(head)
            except (tomllib.TOMLDecodeError, RecursionError):
                data = tomllib.loads(text)  # fields after the events: read it all
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
            continue
        heads.append((slug, data))
    return heads


def tie_candidates(
    heads: list[tuple[str, dict[str, Any]]], incomplete: str
) -> list[tuple[str, str]]:
    """(slug, name) of the ties whose slug or name starts with what was typed."""
    typed = incomplete.casefold()
    found = []
    for slug, data in heads:
        name = data.get("name")
        name = name if isinstance(name, str) else slug
        if slug.startswith(typed) or name.casefold().startswith(typed):
            found.append((slug, name))
    return found


def label_candidates(
    heads: list[tuple[str, dict[str, Any]]], field: str, incomplete: str
) -> list[str]:
    """The distinct topics or tags (`field`) that start with what was typed, sorted."""
    typed = incomplete.casefold()
    seen: dict[str, str] = {}
    for _, data in heads:
        values = data.get(field)
        if not isinstance(values, list):
            continue
        for value in values:
            if isinstance(value, str) and value.casefold().startswith(typed):
                seen.setdefault(value.casefold(), value)
    return sorted(seen.values(), key=str.casefold)


def complete_tie(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """TIE: slugs, each with the tie's name as its description."""
    return tie_candidates(read_heads(data_dir_of(ctx)), incomplete)


def complete_topic(ctx: typer.Context, incomplete: str) -> list[str]:
    """--topic: every topic in the network."""
    return label_candidates(read_heads(data_dir_of(ctx)), "topics", incomplete)


def complete_tag(ctx: typer.Context, incomplete: str) -> list[str]:
    """--tag: every tag in the network."""
    return label_candidates(read_heads(data_dir_of(ctx)), "tags", incomplete)


# The TIE argument of every command that names one tie.
TieArgument = Annotated[
    str,
    typer.Argument(
        metavar="TIE", help="Slug, name, or unique prefix.", autocompletion=complete_tie
    ),
]
