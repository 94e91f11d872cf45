"""Time plnctl as whole processes on generated networks, as multiples of `python -c pass`.

Usage: python bench/bench.py [--sizes 100,1000,10000] [--runs N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
TODAY = dt.date(2025, 6, 30)
LIGHT = "light-tie"  # 10 events
HEAVY = "heavy-tie"  # 5,000 events
FIRST = ("Ann", "Ben", "Chen", "Dana", "Eli", "Farah", "Gus", "Hana", "Ivo", "Jun", "Kim", "Lena")
LAST = ("Lee", "Okafor", "Tanaka", "Wei", "Fischer", "Nuñez", "Moreau", "Singh", "Costa", "Berg")
TOPICS = ("pedagogy", "statistics", "open education", "assessment", "machine learning",
          "peer learning", "research methods", "writing", "teaching", "history")
WEAK_KINDS = ("read", "read", "read", "listen", "visit", "comment")
STRONG_KINDS = ("read", "read", "comment", "converse", "share", "ask", "help-received",
                "help-given", "read", "listen")


def _events(rng: random.Random, count: int, span_days: int, kinds: Sequence[str]) -> list[object]:
    from plnctl.model import Event

    events = []
    for _ in range(count):
        day = TODAY - dt.timedelta(days=rng.randint(0, span_days))
        note = rng.choice((None, None, "a useful thread on feedback", "worth rereading"))
        link = f"https://example.org/{rng.getrandbits(32):08x}" if rng.random() < 0.3 else None
        events.append(
            Event(
                id=f"{rng.getrandbits(64):016x}",
                date=day,
                kind=rng.choice(kinds),
                note=note,
                link=link,
            )
        )
    events.sort(key=lambda e: e.date)  # type: ignore[attr-defined]
    return events


def generate(root: Path, ties: int, seed: int = 4) -> None:
    """A network of `ties` files: about 3% strong ties with hundreds of events, the rest weak.

    Two extra ties serve the check-in timings: `light-tie` (10 events) and
    `heavy-tie` (5,000 events).
    """
    sys.path.insert(0, str(SRC))
    from plnctl.model import Tie, slugify
    from plnctl.store import dump_tie

    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)

    def write(slug: str, tie: Tie) -> None:
        (root / f"{slug}.toml").write_bytes(dump_tie(tie))

    for i in range(ties):
        strong = rng.random() < 0.03
        person = rng.random() < 0.6
        name = (
            f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}"
            if person
            else f"The {rng.choice(TOPICS).title()} Feed {i}"
        )
        if strong:
            events = _events(rng, rng.randint(100, 700), 3 * 365, STRONG_KINDS)
        else:
            events = _events(rng, rng.randint(1, 8), 2 * 365, WEAK_KINDS)
        tie = Tie.model_validate(
            {
                "name": name,
                "kind": "person" if person else "source",
                "url": f"https://example.org/{i}",
                "topics": rng.sample(TOPICS, rng.randint(0, 3)),
                "tags": ["colleague"] if rng.random() < 0.1 else [],
                "every": 30 if rng.random() < 0.05 else None,
                "added": TODAY - dt.timedelta(days=3 * 365),
                "events": events,
            }
        )
        write(slugify(name), tie)
    for slug, count in ((LIGHT, 10), (HEAVY, 5000)):
        tie = Tie.model_validate(
            {
                "name": slug.replace("-", " ").title(),
                "kind": "person",
                "events": _events(rng, count, 3 * 365, STRONG_KINDS),
            }
        )
        write(slug, tie)
