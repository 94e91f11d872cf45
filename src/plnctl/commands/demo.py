"""`plnctl demo`: a sample network in a throwaway directory, and its review."""

from __future__ import annotations

import tempfile
from pathlib import Path

import typer

from plnctl.app import app, globals_of, today


@app.command()
def demo(ctx: typer.Context) -> None:
    """Build a small sample network in a new directory and show its review.

    Uses a fresh temporary directory, or --data-dir if you give one (it must
    hold no ties yet); your own data is never touched.

    Example: plnctl demo
    """
    from plnctl.network import Network
    from plnctl.render import lines, tables
    from plnctl.store import Store

    g = globals_of(ctx)
    root = g.data_dir if g.explicit_dir else Path(tempfile.mkdtemp(prefix="plnctl-demo-"))
    network = Network(Store(root), today())
    network.build_sample()
    result, total, _ = network.review(network.today, use_index=False)
    tables.review_table(result, total=total, show_all=False)
    lines.demo_ready(root)
