"""A small, believable sample network for `plnctl demo`, relative to today."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from plnctl.model import Event, Tie
from plnctl.profile import Goal, Offer, Profile, Project
from plnctl.store import Store


@dataclass(frozen=True)
class Pattern:
    """Events every `gap` days (with jitter) from `start` to `end` days ago."""

    start: int
    end: int
    gap: int
    kinds: tuple[str, ...] = ("read",)


SAMPLE: list[tuple[str, str, dict[str, object], list[Pattern]]] = [
    (
        "Ada Okafor",
        "person",
        {"topics": ["learning design"], "url": "https://ada.example.org"},
        [Pattern(200, 3, 6, ("read", "read", "comment", "converse", "share"))],
    ),
    (
        "The Open Pedagogy Blog",
        "source",
        {"topics": ["open education"], "url": "https://openpedagogy.example.org/feed"},
        [Pattern(240, 2, 5, ("read",))],
    ),
    (
        "Ben Tanaka",
        "person",
        {"topics": ["assessment"], "tags": ["colleague"]},
        [Pattern(220, 55, 6, ("read", "converse", "comment"))],
    ),
    (
        "Chen Wei",
        "person",
        {"topics": ["statistics"], "via": "ada-okafor"},
        [Pattern(300, 110, 35, ("read", "comment"))],
    ),
    (
        "Deep Learning Weekly",
        "source",
        {"topics": ["machine learning"], "tags": ["newsletter"]},
        [Pattern(150, 40, 14, ("read",))],
    ),
    (
        "Dana Whitfield",
        "person",
        {"topics": ["research methods"]},
        [Pattern(160, 10, 20, ("help-received", "ask", "help-received", "converse"))],
    ),
    (
        "Teaching in Public Podcast",
        "source",
        {"topics": ["teaching"]},
        [Pattern(700, 420, 30, ("listen",))],
    ),
    (
        "Lena Fischer",
        "person",
        {"topics": ["peer learning"], "via": "ben-tanaka", "learning": ["machine learning"]},
        [Pattern(40, 5, 9, ("read", "comment"))],
    ),
    (
        "Farah Haddad",
        "person",
        {"topics": ["statistics"], "via": "ada-okafor", "url": "https://farah.example.org"},
        [Pattern(200, 2, 6, ("read",))],
    ),
    (
        "Simply Statistics",
        "source",
        {
            "topics": ["statistics"],
            "url": "https://simplystats.example.org/feed.xml",
            "site_url": "https://simplystats.example.org",
        },
        [Pattern(150, 1, 4, ("read",))],
    ),
    (
        "Kai Müller",
        "person",
        {"topics": ["machine learning"], "via": "ada-okafor"},
        [Pattern(170, 170, 1, ("read",)), Pattern(30, 5, 12, ("read", "comment"))],
    ),
]

# What the sample passed along, so `plnctl shares` shows titles, not "(untitled)".
SHARED = (
    "Notes from the peer feedback workshop",
    "https://example.org/rubrics-that-teach",
    "A reading list on learning design",
    "https://example.org/open-syllabus-template",
)


def build(store: Store, today: dt.date, seed: int = 7) -> list[str]:
    """Write the sample ties into `store` and return their slugs."""
    from plnctl.names import slugify

    rng = random.Random(seed)
    slugs = []
    for name, kind, fields, patterns in SAMPLE:
        events = []
        for p in patterns:
            age = p.start
            i = 0
            while age >= p.end:
                event_kind = p.kinds[i % len(p.kinds)]
                shared = SHARED[i % len(SHARED)] if event_kind == "share" else None
                events.append(
                    Event(
                        date=today - dt.timedelta(days=age),
                        kind=event_kind,
                        id=f"{rng.getrandbits(64):016x}",
                        what=shared,
                        link=shared if shared and "://" in shared else None,
                        role="with" if shared else None,
                    )
                )
                age -= max(1, p.gap + rng.randint(-2, 2))
                i += 1
        first = min(e.date for e in events)
        tie = Tie.model_validate(
            {"name": name, "kind": kind, "added": first, "events": events, **fields}
        )
        slug = slugify(name)
        store.save(slug, tie)
        slugs.append(slug)
    store.save_profile(sample_profile(today))
    return slugs


def sample_profile(today: dt.date) -> Profile:
    """Your side of the demo: what you are learning, can help with, and make."""
    day = dt.timedelta(days=1)
    added = today - 90 * day
    return Profile(
        name="Sam Rivera",
        about="Secondary-school teacher, learning to teach with data.",
        links=["https://sam.example.org"],
        learn=[
            Goal("machine learning", why="to read the studies my students cite", added=added),
            Goal(
                "statistics",
                why="to run my own classroom studies",
                added=added,
                until=today + 120 * day,
            ),
            Goal("open education", added=added, done=today - 30 * day),
        ],
        teach=[Offer("learning design", "I run workshops for new teachers", added)],
        projects=[Project("Open stats notes", "https://sam.example.org/stats")],
    )
