"""`plnctl demo`: a sample network in a throwaway directory, and its review."""

from __future__ import annotations

import tempfile
from pathlib import Path

import typer

from plnctl.app import app, globals_of, say, today


@app.command()
def demo(ctx: typer.Context) -> None:
    """Build a small sample network in a new directory and show its review.

    Uses a fresh temporary directory, or --data-dir if you give one (it must
    hold no ties yet); your own data is never touched.

    Example: plnctl demo
    """
    from plnctl import render
    from plnctl.errors import InvalidValueError
    from plnctl.review import build_review
    from plnctl.sample import build
    from plnctl.store import Store

    g = globals_of(ctx)
    root = g.data_dir if g.explicit_dir else Path(tempfile.mkdtemp(prefix="plnctl-demo-"))
    store = Store(root)
    if store.slugs():
        raise InvalidValueError(f"{root} already holds ties; the demo needs an empty directory")
    when = today()
    with store.lock():
        build(store, when)
    ties, _ = store.load_all()
    render.review_table(build_review(ties, when, store.settings()), total=len(ties), show_all=False)
    say(f"the sample network is in {root}")
    say(f"explore it: plnctl --data-dir {root} list   (or show ada, checkin ben, ...)")
