"""Learning with the network, as pure functions over small networks with an explicit as-of date."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections import Counter
from collections.abc import Iterable
from random import Random

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from plnctl.growth import GoalHole, goal_holes, ladder, next_rung, promising
from plnctl.learning import (
    Goal,
    LearningTie,
    TopicMoment,
    learning_tie,
    spelling,
    topic_engagement,
    topic_index,
    topic_key,
    topic_stats,
)
from plnctl.routing import route
from plnctl.scout import ever_strong, led_to, scouts, via_chain
from plnctl.settings import Settings
from plnctl.ties import score
from plnctl.topic import STATUS_ORDER, TopicRow, topics_overview, who_knows

AS_OF = dt.date(2025, 6, 30)
S = Settings()


def ago(days: int) -> dt.date:
    return AS_OF - dt.timedelta(days=days)


def ev(age: int, kind: str = "read", *topics: str) -> TopicMoment:
    """An event `age` days before AS_OF, about `topics` (else about its tie's topics)."""
    return (ago(age), kind, topics)


def tie(
    slug: str,
    *events: TopicMoment,
    kind: str = "person",
    topics: tuple[str, ...] = (),
    learning: tuple[str, ...] = (),
    via: str | None = None,
    archived: bool = False,
    pin: str | None = None,
    name: str | None = None,
) -> LearningTie:
    return learning_tie(
        slug,
        name or slug.capitalize(),
        kind,
        topics,
        learning,
        via,
        archived,
        events,
        AS_OF,
        S,
        pin=pin,
    )


def weekly(first: int, last: int, *topics: str) -> list[TopicMoment]:
    """Reads every 7 days from `first` down to `last` days ago."""
    return [ev(age, "read", *topics) for age in range(first, last - 1, -7)]


def strong_fading(slug: str, *topics: str) -> LearningTie:
    t = tie(slug, *weekly(169, 50), topics=topics, pin="strong")
    assert (t.derived.status, t.derived.trend) == ("strong", "fading")
    return t


def strong_steady(slug: str, *topics: str) -> LearningTie:
    t = tie(slug, *weekly(168, 0), topics=topics, pin="strong")
    assert (t.derived.status, t.derived.trend) == ("strong", "steady")
    return t


def row(rows: tuple[TopicRow, ...], key: str) -> TopicRow:
    return next(r for r in rows if r.key == key)


# Topic keys and spellings


@pytest.mark.parametrize(
    "text",
    [
        "Machine learning",
        "machine-learning",
        "MACHINE_LEARNING",
        " machine \t learning ",
        "Mach-ine",
    ],
)
def test_spellings_of_one_topic_share_a_key(text: str) -> None:
    expected = "machine" if text == "Mach-ine" else "machinelearning"
    assert topic_key(text) == expected


def test_topic_keys_fold_unicode_case_and_composition() -> None:
    assert topic_key("Straße") == topic_key("STRASSE") == "strasse"
    assert topic_key("Caf\u00e9") == topic_key("CAFE\u0301") == "caf\u00e9"


def test_the_spelling_written_most_often_wins_and_a_tie_goes_to_the_first_seen() -> None:
    assert spelling(Counter(["ml", "ML", "ML"])) == "ML"
    assert spelling(Counter(["ML", "ml", "ml", "ML"])) == "ML"
    assert spelling(Counter(["ml", "ML", "ML", "ml"])) == "ml"


# Topic engagement


def test_topic_engagement_counts_just_the_events_about_the_topic() -> None:
    t = tie(
        "ann",
        ev(0, "converse", "rust"),  # rust only: 3
        ev(15),  # no topics of its own: about Rust and Python, 2^(-15/30) = 0.7071 each
        ev(60, "comment", "python"),  # python only: 2 * 0.25 = 0.5
        ev(30, "read", "Go"),  # go only: 0.5, though the tie does not list Go
        ev(-1, "converse", "rust"),  # after the as-of date: ignored
        topics=("Rust", "Python"),
    )
    assert round(topic_engagement(t, "rust", AS_OF, S), 2) == 3.71
    assert round(topic_engagement(t, "PYTHON", AS_OF, S), 2) == 1.21
    assert round(topic_engagement(t, "go", AS_OF, S), 2) == 0.50
    assert topic_engagement(t, "elixir", AS_OF, S) == 0.0
    assert round(t.derived.score, 2) == 4.71


def test_a_tie_whose_events_are_all_about_one_topic_has_its_whole_score_there() -> None:
    events = [ev(age, kind) for age, kind in ((0, "read"), (11, "comment"), (97, "help-given"))]
    t = tie("ann", *events, topics=("rust",))
    moments = [(day, kind) for day, kind, _ in events]
    assert topic_engagement(t, "Rust", AS_OF, S) == score(moments, AS_OF, S)


def test_an_event_whose_own_topics_are_all_blank_is_about_the_tie_topics() -> None:
    t = tie("ann", ev(0, "read", " - "), topics=("rust",))
    assert topic_engagement(t, "rust", AS_OF, S) == 1.0


@pytest.mark.parametrize(("age", "on"), [(364, True), (365, False)])
def test_an_event_about_a_topic_puts_its_tie_on_it_for_a_year(age: int, on: bool) -> None:
    ties = [tie("ann", ev(age, "read", "Go"), topics=("rust",))]
    assert [k.slug for k in who_knows(ties, "go", AS_OF, S).ties] == (["ann"] if on else [])
    assert [k.slug for k in who_knows(ties, "rust", AS_OF, S).ties] == ["ann"]


def test_an_archived_tie_counts_for_nothing() -> None:
    ties = [
        tie(
            "gone", ev(0, "converse"), topics=("haskell", "rust"), learning=("rust",), archived=True
        ),
        tie("ann", ev(0), topics=("rust",)),
    ]
    assert [r.key for r in topics_overview(ties, [], AS_OF, S)] == ["rust"]
    found = who_knows(ties, "rust", AS_OF, S)
    assert ([k.slug for k in found.ties], found.learners) == (["ann"], ())
    assert who_knows(ties, "haskell", AS_OF, S).ties == ()
    assert route(ties, ["rust"], AS_OF, S)[0].slug == "ann"
    assert len(route(ties, ["rust"], AS_OF, S)) == 1


# The topic list


def test_topics_lists_goals_first_then_the_most_engaged_topics() -> None:
    ties = [
        tie(
            "ann",
            ev(0, "converse"),
            ev(10, "comment", "Machine Learning"),
            topics=("Rust",),
            pin="strong",
        ),
        tie("blog", ev(0), ev(30), kind="source", topics=("rust", "Python")),
        tie("old", ev(400), topics=("Go",)),
        tie("bob", ev(5, "read", "machine-learning")),
    ]
    goals = [
        Goal("Elixir", why="for work"),
        Goal("rust"),
        Goal("Rust again", added=ago(3)),
        Goal("machine learning", done=ago(1)),
        Goal("python", added=AS_OF + dt.timedelta(days=1)),
        Goal("RUST"),  # the same goal twice: the first one counts
    ]
    rows = topics_overview(ties, goals, AS_OF, S)
    assert [(r.key, r.topic, r.goal) for r in rows] == [
        ("elixir", "Elixir", True),
        ("rust", "rust", True),
        ("rustagain", "Rust again", True),
        ("machinelearning", "Machine Learning", False),
        ("python", "Python", False),
        ("go", "Go", False),
    ]
    elixir, rust = rows[0], rows[1]
    assert elixir == TopicRow("elixir", "Elixir", True, 0, 0, 0, 0, 0, 0.0, None, ("gap", "quiet"))
    assert dataclasses.astuple(rust)[3:] == (1, 1, 0, 1, 1, 4.5, AS_OF, ("single",))
    ml = row(rows, "machinelearning")
    # ann: comment 10 days ago 2 * 2^(-1/3) = 1.59; bob: read 5 days ago 2^(-1/6) = 0.89.
    assert (round(ml.engagement, 2), ml.people, ml.last_engaged, ml.flags) == (2.48, 2, ago(5), ())
    assert (row(rows, "go").dormant, row(rows, "go").last_engaged) == (1, ago(400))


@pytest.mark.parametrize(("age", "quiet"), [(29, False), (30, True)])
def test_a_goal_is_quiet_after_thirty_days_without_an_event_about_it(age: int, quiet: bool) -> None:
    ties = [tie("ann", ev(age, "read", "rust"), ev(3, "read", "go"), topics=("rust", "go"))]
    (rust,) = topics_overview(ties, [Goal("rust")], AS_OF, S)[:1]
    assert ("quiet" in rust.flags) is quiet


@pytest.mark.parametrize(("strong", "flags"), [(0, ("gap",)), (1, ("single",)), (2, ())])
def test_a_goal_needs_two_strong_ties(strong: int, flags: tuple[str, ...]) -> None:
    ties = [strong_steady(f"s{i}", "rust") for i in range(strong)] + [
        tie("weak", ev(0), topics=("rust",))
    ]
    assert topics_overview(ties, [Goal("rust")], AS_OF, S)[0].flags == flags


def test_a_goal_with_only_sources_has_nobody_to_ask() -> None:
    sources = [strong_steady(f"s{i}", "rust") for i in range(2)]
    sources = [dataclasses.replace(s, kind="source") for s in sources]
    assert topics_overview(sources, [Goal("rust")], AS_OF, S)[0].flags == ("no-people",)
    with_person = [*sources, tie("ann", ev(400), topics=("rust",))]  # even a dormant person
    assert topics_overview(with_person, [Goal("rust")], AS_OF, S)[0].flags == ()


@pytest.mark.parametrize(
    ("fading", "steady", "flagged"),
    [(2, 0, True), (1, 1, False), (2, 1, True), (1, 0, False), (2, 2, False)],
)
def test_a_topic_fades_when_most_of_at_least_two_strong_ties_fade(
    fading: int, steady: int, flagged: bool
) -> None:
    ties = [strong_fading(f"f{i}", "rust") for i in range(fading)]
    ties += [strong_steady(f"s{i}", "rust") for i in range(steady)]
    ties += [tie("weak", ev(0), topics=("rust",))]
    (rust,) = topics_overview(ties, [], AS_OF, S)
    assert ("fading" in rust.flags) is flagged
    assert rust.flags == (("fading",) if flagged else ())  # goal flags only on goals


def test_the_numbers_of_the_topic_flags_are_settings() -> None:
    ties = [tie("ann", ev(10, "read", "rust")), strong_fading("f", "rust")]
    settings = dataclasses.replace(S, quiet_days=11, topic_fading_min_strong=1)
    index = topic_index(ties, AS_OF, settings)
    assert topics_overview(index, [Goal("rust")], AS_OF, settings)[0].flags == ("single", "fading")


# Who knows a topic


def test_who_knows_ranks_by_topic_engagement_then_status_then_name() -> None:
    ties = [
        tie("b", ev(0, "read", "rust")),
        tie("a", ev(0, "read", "rust"), pin="strong"),
        tie("d", ev(0, "read", "rust"), name="Aaron", kind="source"),
        tie("e", ev(400), topics=("Rust",)),
        tie(
            "c",
            ev(0, "converse", "rust"),
            ev(364, "help-received", "rust"),
            ev(365, "help-received", "rust"),
            ev(10, "help-received", "go"),
            pin="strong",
        ),
        tie("x", ev(0, "read", "go")),
        tie("zoe", learning=("Rust",)),
        tie("bob", ev(400), learning=("rust", "go")),
        tie("feed", kind="source", learning=("rust",)),
    ]
    found = who_knows(ties, "RUST", AS_OF, S)
    assert (found.key, found.topic) == ("rust", "rust")
    assert [(k.slug, k.status) for k in found.ties] == [
        ("c", "strong"),
        ("a", "strong"),
        ("d", "weak"),
        ("b", "weak"),
        ("e", "dormant"),
    ]
    c = found.ties[0]
    assert (round(c.engagement, 4), c.last_engaged, c.helped) == (3.0013, AS_OF, 1)
    assert (found.ties[-1].last_engaged, found.ties[-1].helped) == (ago(400), 0)
    assert [(p.slug, p.status) for p in found.learners] == [("bob", "dormant"), ("zoe", "weak")]


def test_nobody_knows_a_topic_nobody_has() -> None:
    found = who_knows([tie("ann", ev(0), topics=("rust",))], "Cobol ", AS_OF, S)
    assert (found.topic, found.ties, found.learners) == ("Cobol", (), ())


# Scouts


def test_scouts_rank_by_ties_that_became_strong_then_by_ties_led_to() -> None:
    faded = tie("faded", *weekly(137, 60), via="mentor")
    assert (faded.derived.status, faded.derived.weakened_on is not None) == ("weak", True)
    ties = [
        tie("mentor"),
        tie("ann", pin="strong", via="mentor"),
        faded,
        tie("ghost", via="mentor", archived=True),
        tie("blog", kind="source"),
        *(tie(s, via="blog") for s in ("x", "y")),
        tie("z", via="blog", pin="strong"),
        tie("zed"),
        *(tie(s, via="zed", pin="strong") for s in ("p", "q")),
        tie("alice"),
        tie("r", via="alice", pin="strong", archived=True),
        tie("s", via="alice", pin="strong"),
        tie("gone", archived=True),
        tie("t", via="gone", pin="strong"),
        tie("self", via="self"),
        tie("lost", via="nobody"),
    ]
    found = scouts(ties)
    assert [(s.slug, len(s.became_strong), len(s.led_to)) for s in found] == [
        ("mentor", 2, 3),
        ("alice", 2, 2),
        ("zed", 2, 2),
        ("blog", 1, 3),
    ]
    assert (found[0].led_to, found[0].became_strong) == (
        ("ann", "faded", "ghost"),
        ("ann", "faded"),
    )
    assert [t.slug for t in led_to("mentor", ties)] == ["ann", "faded", "ghost"]
    assert led_to("self", ties) == ()


def test_a_tie_pinned_weak_that_its_events_made_strong_became_strong() -> None:
    pinned = tie("ann", *weekly(140, 0), pin="weak")
    assert (pinned.derived.status, pinned.derived.derived_status) == ("weak", "strong")
    assert ever_strong(pinned.derived)
    assert ever_strong(tie("bob", pin="strong").derived)
    assert not ever_strong(tie("cy", *weekly(14, 0)).derived)
    dormant = tie("dee", *weekly(600, 400))
    assert dormant.derived.status == "dormant" and ever_strong(dormant.derived)


def test_the_via_chain_stops_at_the_root_a_loop_or_a_missing_tie() -> None:
    ties = [
        tie("a", via="b"),
        tie("b", via="c"),
        tie("c"),
        tie("x", via="y"),
        tie("y", via="x"),
        tie("m", via="nobody"),
        tie("s", via="s"),
    ]
    by_slug = {t.slug: t for t in ties}
    assert dataclasses.astuple(via_chain("a", by_slug)) == (("b", "c"), "root", None)
    assert dataclasses.astuple(via_chain("c", by_slug)) == ((), "root", None)
    assert dataclasses.astuple(via_chain("x", by_slug)) == (("y",), "loop", "x")
    assert dataclasses.astuple(via_chain("m", by_slug)) == ((), "missing", "nobody")
    assert dataclasses.astuple(via_chain("s", by_slug)) == ((), "loop", "s")
    with pytest.raises(KeyError):
        via_chain("nobody", by_slug)


# The engagement ladder and the next rung


@pytest.mark.parametrize(
    ("events", "rung"),
    [
        ((), "none"),
        ((ev(364),), "listening"),
        ((ev(365),), "none"),
        ((ev(3, "watch"), ev(5, "comment")), "commenting"),
        ((ev(3, "ask"),), "conversing"),
        ((ev(3, "help-received"), ev(4, "comment")), "conversing"),
        ((ev(365, "converse"), ev(9, "visit")), "listening"),
        ((ev(100, "share"), ev(1, "converse")), "giving"),
        ((ev(300, "help-given"),), "giving"),
    ],
)
def test_the_ladder_is_the_highest_rung_of_the_last_year(
    events: tuple[TopicMoment, ...], rung: str
) -> None:
    assert ladder(tie("ann", *events)) == rung


@pytest.mark.parametrize(("sixth", "ready"), [(179, True), (180, False)])
def test_a_strong_person_you_only_read_is_ready_for_the_next_rung(sixth: int, ready: bool) -> None:
    reads = [ev(age) for age in (0, 20, 40, 60, 80)]
    ties = [
        tie("listener", *reads, ev(sixth), pin="strong"),
        tie("commenter", *reads, ev(1, "comment"), ev(2), pin="strong"),
        tie("talker", *reads, ev(5), ev(1, "converse"), pin="strong"),
        tie("weak", *reads, ev(5), pin="weak"),
        tie("blog", *reads, ev(5), kind="source", pin="strong"),
        tie("gone", *reads, ev(5), pin="strong", archived=True),
    ]
    found = [(r.slug, r.ladder, r.events, r.next_step) for r in next_rung(ties, AS_OF, S)]
    assert found[0] == (
        "commenter",
        "commenting",
        7,
        "open a conversation: ask them something or reply at length",
    )
    listener = ("listener", "listening", 6, "comment usefully on their next post")
    assert found[1:] == ([listener] if ready else [])


# Goals with holes and promising ties


def test_goal_holes_offer_weak_ties_to_grow_or_else_the_best_scout() -> None:
    ties = [
        strong_steady("main", "rust"),
        *(tie(f"w{age}", ev(age), topics=("rust",)) for age in (60, 0, 90, 30)),
        tie("dormant", ev(400), topics=("rust",)),
        strong_steady("p1", "python"),
        strong_steady("p2", "python"),
        tie("mentor"),
        tie("blog", kind="source"),
        tie("m1", via="mentor", pin="strong"),
        tie("b1", via="blog"),
        tie("b2", via="blog"),
    ]
    goals = [Goal("Go"), Goal("rust"), Goal("python"), Goal("elixir", dropped=ago(1))]
    holes = goal_holes(ties, goals, AS_OF, S)
    assert [(h.topic, h.flags) for h in holes] == [("Go", ("gap", "quiet")), ("rust", ("single",))]
    go, rust = holes
    assert (go.candidates, go.scout and go.scout.slug) == ((), "mentor")
    assert [c.slug for c in rust.candidates] == ["w0", "w30", "w60"]
    assert rust.scout is None
    assert goal_holes(ties[:-4], goals, AS_OF, S) == (
        GoalHole(goals[0], "go", "Go", ("gap", "quiet"), (), None),
        rust,
    )


def test_goal_holes_offer_at_most_the_configured_number_of_weak_ties() -> None:
    ties = [tie(f"w{age}", ev(age), topics=("rust",)) for age in (0, 1, 2, 3)]
    settings = dataclasses.replace(S, goal_candidates=2)
    (hole,) = goal_holes(ties, [Goal("rust")], AS_OF, settings)
    assert [c.slug for c in hole.candidates] == ["w0", "w1"]


def test_promising_ties_are_weak_and_rising_on_an_active_goal() -> None:
    rising = (ev(150), ev(1), ev(2), ev(3))
    ties = [
        tie("riser", *rising, topics=("rust",)),
        tie("commenter", *rising[:3], ev(3, "comment"), topics=("Rust", "go")),
        tie("elsewhere", *rising, topics=("go",)),
        tie("strong", *rising, topics=("rust",), pin="strong"),
        tie("steady", *weekly(168, 0), topics=("rust",), pin="weak"),
        tie("gone", *rising, topics=("rust",), archived=True),
    ]
    assert ties[0].derived.trend == ties[1].derived.trend == "rising"
    goals = [Goal("python"), Goal("RUST"), Goal("go", done=ago(0))]
    found = [(p.slug, p.topics, round(p.engagement, 2)) for p in promising(ties, goals, AS_OF, S)]
    # Every event is about the tie's topics: 2^(-5) + 0.98 + 0.95 + 0.93 for riser, and
    # 1.87 for commenter's comment in place of its last read.
    assert found == [("commenter", ("RUST",), 3.83), ("riser", ("RUST",), 2.9)]


# Share routing


def test_route_proposes_learners_then_takers_then_due_then_the_rest() -> None:
    ties = [
        tie("rest1", ev(0), topics=("rust",)),
        tie("rest2", ev(0, "converse"), topics=("rust",)),
        tie("due", ev(100), topics=("rust",)),
        tie("taker", ev(1, "help-received"), ev(2, "help-received"), topics=("rust",)),
        tie("learner", learning=("Machine Learning",)),
        tie("both", ev(1, "help-received"), ev(2, "help-received"), learning=("rust",)),
        tie("blog", ev(0), ev(1), kind="source", topics=("rust",)),
        tie("gone", ev(0), topics=("rust",), archived=True),
        tie("asleep", ev(400), topics=("rust",)),
        tie("pinned", ev(400), topics=("rust",), pin="strong"),
        tie("other", ev(0), topics=("go",), learning=("python",)),
    ]
    assert ties[2].derived.band == "due" and ties[3].derived.reciprocity.label == "taking"
    found = route(ties, ["Rust", "machine learning", "rust"], AS_OF, S)
    assert [(r.slug, r.group, r.reason, r.topics) for r in found] == [
        ("both", "learning", "learning rust", ("Rust",)),
        ("learner", "learning", "learning Machine Learning", ("machine learning",)),
        ("taker", "taking", "you have taken more than you gave", ("Rust",)),
        ("due", "due", "due: a find is a good reason to get in touch", ("Rust",)),
        ("rest2", "rest", "on Rust", ("Rust",)),
        ("rest1", "rest", "on Rust", ("Rust",)),
    ]
    assert round(found[2].engagement, 2) == 5.8  # 3 * 2^(-1/30) + 3 * 2^(-2/30)
    with_sources = [r.slug for r in route(ties, ["rust"], AS_OF, S, include_sources=True)]
    assert with_sources[-3:] == ["rest2", "blog", "rest1"]


def test_one_index_serves_every_question_of_one_date() -> None:
    ties = [
        strong_steady("main", "rust"),
        tie("riser", ev(150), ev(1), ev(2), ev(3), topics=("rust",), via="main"),
        tie("ann", *(ev(age) for age in range(0, 60, 10)), pin="strong", learning=("rust",)),
    ]
    goals = [Goal("rust"), Goal("go")]
    index = topic_index(ties, AS_OF, S)
    assert topic_index(index, AS_OF, S) is index
    assert topic_index(index, ago(1), S) is not index
    assert topics_overview(index, goals, AS_OF, S) == topics_overview(ties, goals, AS_OF, S)
    assert who_knows(index, "rust", AS_OF, S) == who_knows(ties, "rust", AS_OF, S)
    assert goal_holes(index, goals, AS_OF, S) == goal_holes(ties, goals, AS_OF, S)
    assert promising(index, goals, AS_OF, S) == promising(ties, goals, AS_OF, S) != ()
    assert next_rung(index, AS_OF, S) == next_rung(ties, AS_OF, S) != ()
    assert scouts(index) == scouts(ties) != ()
    assert route(index, ["rust"], AS_OF, S) == route(ties, ["rust"], AS_OF, S) != ()


# Properties

TOPICS = ("Rust", "rust", "Machine learning", "machine-learning", "Go", "python")
kinds = st.sampled_from(list(S.weights))
moments = st.builds(
    lambda age, kind, topics: ev(age, kind, *topics),
    st.integers(-30, 800),
    kinds,
    st.lists(st.sampled_from(TOPICS), max_size=2),
)


@st.composite
def learning_ties(draw: st.DrawFn, slug: str | None = None) -> LearningTie:
    return tie(
        slug or draw(st.text("abc", min_size=1, max_size=3)),
        *draw(st.lists(moments, max_size=12)),
        kind=draw(st.sampled_from(["person", "source"])),
        topics=tuple(draw(st.lists(st.sampled_from(TOPICS), max_size=2))),
        learning=tuple(draw(st.lists(st.sampled_from(TOPICS), max_size=1))),
        archived=draw(st.booleans()),
        pin=draw(st.sampled_from([None, "strong", "weak"])),
        name=draw(st.sampled_from(["Ann", "ann", "Bob"])),
    )


@st.composite
def networks(draw: st.DrawFn) -> list[LearningTie]:
    size = draw(st.integers(0, 8))
    return [draw(learning_ties(slug=f"t{i}")) for i in range(size)]


def rebuilt(t: LearningTie, events: Iterable[TopicMoment]) -> LearningTie:
    """`t` with other events, derived again."""
    return tie(t.slug, *events, kind=t.kind, topics=t.topics, learning=t.learning, name=t.name)


@given(learning_ties(), moments, st.sampled_from(TOPICS))
def test_an_event_about_a_topic_never_lowers_its_engagement(
    t: LearningTie, moment: TopicMoment, topic: str
) -> None:
    day, kind, own = moment
    about: tuple[str, ...] = () if topic in t.topics and not own else (*own, topic)
    more = rebuilt(t, (*t.events, (day, kind, about)))
    assert topic_engagement(more, topic, AS_OF, S) >= topic_engagement(t, topic, AS_OF, S)


@given(learning_ties())
def test_events_without_topics_of_their_own_need_no_adding_up_again(t: LearningTie) -> None:
    # With no event naming topics, a tie's topic engagement is read off its score; with
    # blank topics the events are added up one by one. Both roads must agree exactly.
    plain = rebuilt(t, [(day, kind, ()) for day, kind, _ in t.events])
    blank = rebuilt(t, [(day, kind, ("-",)) for day, kind, _ in t.events])
    assert topic_stats(plain, AS_OF, S) == topic_stats(blank, AS_OF, S)


@given(networks(), st.lists(st.sampled_from(TOPICS), min_size=1, max_size=3), st.booleans())
def test_route_never_proposes_an_archived_or_dormant_tie(
    ties: list[LearningTie], topics: list[str], include_sources: bool
) -> None:
    by_slug = {t.slug: t for t in ties}
    for r in route(ties, topics, AS_OF, S, include_sources=include_sources):
        t = by_slug[r.slug]
        assert not t.archived
        assert "dormant" not in (t.derived.status, t.derived.band)
        assert include_sources or t.kind == "person"


@given(st.text())
@example("\u0339 \u0334")  # marks a space kept apart are put in canonical order once it goes
def test_topic_key_is_idempotent(text: str) -> None:
    assert topic_key(topic_key(text)) == topic_key(text)


@given(
    st.text(st.characters(codec="latin-1", categories=["L", "N"]), min_size=1),
    st.lists(st.sampled_from([" ", "-", "_", "\t"]), max_size=4),
    st.data(),
)
def test_topic_key_ignores_case_spaces_hyphens_and_underscores(
    text: str, separators: list[str], data: st.DataObject
) -> None:
    spaced = text
    for separator in separators:
        at = data.draw(st.integers(0, len(spaced)))
        spaced = spaced[:at] + separator + spaced[at:]
    assert topic_key(spaced.upper()) == topic_key(text.lower()) == topic_key(text)


@given(networks(), st.sampled_from(TOPICS), st.randoms(use_true_random=False))
def test_who_knows_is_a_total_order_whatever_order_the_ties_come_in(
    ties: list[LearningTie], topic: str, random: Random
) -> None:
    found = who_knows(ties, topic, AS_OF, S)
    shuffled = list(ties)
    random.shuffle(shuffled)
    again = who_knows(shuffled, topic, AS_OF, S)
    assert (again.ties, again.learners) == (found.ties, found.learners)
    keys = [(-k.engagement, STATUS_ORDER[k.status], k.name.casefold(), k.slug) for k in found.ties]
    assert all(a < b for a, b in itertools.pairwise(keys))


def test_a_learning_tie_is_derived_as_review_derives_it() -> None:
    """A cadence with no events yet counts from the day the tie was added."""
    from plnctl.ties import derive

    added = AS_OF - dt.timedelta(days=30)
    tie = learning_tie(
        "ann", "Ann", "person", (), (), None, False, (), AS_OF, S, every=7, added=added
    )
    assert tie.derived == derive([], AS_OF, S, every=7, added=added)
    assert tie.derived.band != derive([], AS_OF, S, every=7).band
