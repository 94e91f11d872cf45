"""Who knows what: topics, who knows one, scouts, whom a find would help, and goal coverage."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from plnctl.network.base import NetworkBase, Problems

if TYPE_CHECKING:
    from plnctl.growth import Growth
    from plnctl.index.loader import Head
    from plnctl.learning import LearningTie, TopicIndex
    from plnctl.profile import Card, Goal, Profile
    from plnctl.review import TieData
    from plnctl.routing import Recipient
    from plnctl.scout import Scout, ViaChain
    from plnctl.settings import Settings
    from plnctl.topic import TopicRow, WhoKnows


@dataclass(frozen=True)
class Lineage:
    """How you found a tie, and whom it led you to."""

    found_via: ViaChain | None
    names: dict[str, str]
    led_to: tuple[tuple[str, str], ...]  # (slug, name), by name


class Expertise(NetworkBase):
    def learning_ties(self, as_of: dt.date) -> tuple[list[LearningTie], Problems]:
        """Every readable tie as the learning model reads it, as of a day (from the index)."""
        summaries, problems = self.summaries(as_of)
        return self._as_learning(summaries, as_of), problems

    def _as_learning(
        self, summaries: Sequence[tuple[str, TieData]], as_of: dt.date
    ) -> list[LearningTie]:
        """Ties (whole, or summaries from the index) as the learning model reads them."""
        from plnctl.index import TieSummary
        from plnctl.learning import LearningTie, learning_tie

        settings = self.settings
        ties = []
        for slug, s in summaries:
            derived = s.derived_as_of(as_of, settings) if isinstance(s, TieSummary) else None
            events = tuple(s.topic_moments())
            if derived is None:
                ties.append(
                    learning_tie(
                        slug, s.name, s.kind, s.topics, s.learning, s.via, s.archived,
                        events, as_of, settings, every=s.every, pin=s.pin, added=s.added,
                    )
                )  # fmt: skip
            else:
                ties.append(
                    LearningTie(
                        slug, s.name, s.kind, tuple(s.topics), tuple(s.learning), s.via,
                        s.archived, events, derived,
                    )
                )  # fmt: skip
        return ties

    def goals(self) -> list[Goal]:
        """Your learning goals, done and dropped ones too (`_profile.toml`)."""
        if not self.store.profile_path().exists():
            return []  # no profile yet: nothing to read, nor its model to import
        return self.store.load_profile().learn

    def _index(self, as_of: dt.date) -> tuple[TopicIndex, Problems]:
        from plnctl.learning import topic_index

        ties, problems = self.learning_ties(as_of)
        return topic_index(ties, as_of, self.settings), problems

    def topics(self, as_of: dt.date) -> tuple[tuple[TopicRow, ...], Problems]:
        """Every goal and every topic of the network, with counts and flags; goals first."""
        from plnctl.topic import topics_overview

        goals = self.goals()
        index, problems = self._index(as_of)
        return topics_overview(index, goals, as_of, self.settings), problems

    def who(self, topic: str, as_of: dt.date) -> tuple[WhoKnows, Problems]:
        """The ties that know a topic, ranked, and the people learning it too."""
        from plnctl.profile import topic_of
        from plnctl.topic import who_knows

        topic = topic_of(topic)
        index, problems = self._index(as_of)
        return who_knows(index, topic, as_of, self.settings), problems

    def scouts(self, as_of: dt.date) -> tuple[tuple[Scout, ...], Problems]:
        """The ties that led you to others, best first."""
        from plnctl.scout import scouts

        ties, problems = self.learning_ties(as_of)
        return scouts(ties), problems

    def suggest(
        self, topics: Sequence[str], as_of: dt.date, *, include_sources: bool = False
    ) -> tuple[tuple[Recipient, ...], Problems]:
        """Whom a find on these topics would help, in the order docs/model.md gives."""
        from plnctl.errors import InvalidValueError
        from plnctl.routing import route
        from plnctl.text import clean_labels

        wanted = clean_labels(topics, "topic")
        if not wanted:
            raise InvalidValueError("name at least one topic the find is about")
        index, problems = self._index(as_of)
        found = route(index, wanted, as_of, self.settings, include_sources=include_sources)
        return found, problems

    def growth_of(self, summaries: Sequence[tuple[str, TieData]], as_of: dt.date) -> Growth | None:
        """Goals with holes, strong people ready for the next rung, promising weak ties;
        None when no tie can be in them and there is no goal.

        Only the ties that can be in them are read as the learning model reads
        them: those naming an active goal's topic (in their topics, what they
        learn, or an event) and strong people. The best scout, asked for only
        when a goal has no candidate, looks at every tie.
        """
        goals = self.goals()
        settings = self.settings
        wanted: set[str] = set()
        if goals:
            from plnctl.learning import active_goals

            wanted = {key for key, _ in active_goals(goals, as_of)}
        chosen = [(slug, s) for slug, s in summaries if _may_grow(s, wanted, as_of, settings)]
        if not chosen and not wanted:
            return None
        from plnctl.growth import Growth, goal_holes, next_rung, promising
        from plnctl.learning import topic_index

        index = topic_index(self._as_learning(chosen, as_of), as_of, settings)
        return Growth(
            goal_holes(
                index,
                goals,
                as_of,
                settings,
                everyone=lambda: self._as_learning(summaries, as_of),
            ),
            next_rung(index, as_of, settings),
            promising(index, goals, as_of, settings),
        )

    def profile_with_coverage(self, as_of: dt.date) -> tuple[Profile, tuple[TopicRow, ...]]:
        """Your profile, and for each goal active on `as_of` its row of the topic list."""
        from plnctl.topic import topics_overview

        profile = self.store.load_profile()
        if not profile.learn:
            return profile, ()
        index, _ = self._index(as_of)
        rows = topics_overview(index, profile.learn, as_of, self.settings)
        return profile, tuple(row for row in rows if row.goal)

    def profile_card(self, *, with_sources: bool = False) -> Card:
        """Your profile to publish; with sources, the strong sources of each active goal."""
        from plnctl.profile import Card, Source
        from plnctl.text import label_key

        profile = self.store.load_profile()
        reading: dict[str, list[Source]] = {}
        if with_sources and profile.active_goals():
            index, _ = self._index(self.today)
            for goal in profile.active_goals():
                on = index.on.get(label_key(goal.topic), [])
                strong = [
                    (tie, stat)
                    for tie, stat in on
                    if tie.kind == "source" and tie.derived.status == "strong"
                ]
                strong.sort(key=lambda pair: (-pair[1].engagement, pair[0].name.casefold()))
                urls = self._site_urls([tie.slug for tie, _ in strong])
                reading[goal.topic] = [Source(tie.name, urls.get(tie.slug)) for tie, _ in strong]
        return Card(profile, self.today, reading)

    def _site_urls(self, slugs: Sequence[str]) -> dict[str, str | None]:
        """The web page to link for each source: its site, else its URL."""
        ties, _ = self.summaries()
        by_slug = dict(ties)
        return {
            slug: by_slug[slug].site_url or by_slug[slug].url for slug in slugs if slug in by_slug
        }

    def lineage(self, slug: str) -> Lineage:
        """The chain of `via` above a tie (stopping at a loop) and the ties it led you to.

        Read from the index without deriving anything: `show` stays quick.
        """
        from plnctl.index.loader import load_heads
        from plnctl.scout import via_chain

        heads = load_heads(self.store)
        ties: Sequence[tuple[str, TieData | Head]]
        ties = list(heads.items()) if heads is not None else self.summaries()[0]
        by_slug = dict(ties)
        chain = via_chain(slug, by_slug) if slug in by_slug else None
        led = sorted(
            ((other, s.name) for other, s in ties if s.via == slug and other != slug),
            key=lambda pair: (pair[1].casefold(), pair[0]),
        )
        return Lineage(chain, {other: s.name for other, s in ties}, tuple(led))


def _may_grow(tie: TieData, goal_keys: set[str], as_of: dt.date, settings: Settings) -> bool:
    """Whether a tie could be in a learning section: it names a goal's topic, or it is a
    strong person still listening or commenting (see growth.py)."""
    from plnctl.growth import NEXT_STEP
    from plnctl.index import TieSummary

    if tie.archived:
        return False
    if goal_keys:
        named = [*tie.topics, *tie.learning]
        if isinstance(tie, TieSummary):
            named.extend(t for _, topics in tie.event_topics for t in topics)
        else:
            named.extend(t for event in tie.events for t in event.topics)
        if any(_key(label) in goal_keys for label in named):
            return True
    if tie.kind != "person":
        return False
    derived = tie.derived_as_of(as_of, settings) if isinstance(tie, TieSummary) else None
    return derived is None or (derived.status == "strong" and derived.ladder in NEXT_STEP)


_KEYS: dict[str, str] = {}


def _key(label: str) -> str:
    """A label's topic key, each spelling worked out once: a network spells a few topics often."""
    key = _KEYS.get(label)
    if key is None:
        from plnctl.learning import topic_key

        key = _KEYS[label] = topic_key(label)
    return key
