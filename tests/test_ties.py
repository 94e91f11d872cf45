"""The tie model as pure functions, with an explicit as-of date."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import days_ago, weekly
from plnctl.settings import DEFAULT_WEIGHTS, Settings, settings_from_dict
from plnctl.ties import (
    Moment,
    band,
    derive,
    expected_interval,
    participation,
    reciprocity,
    replay_status,
    score,
    trend,
)

AS_OF = dt.date(2025, 6, 30)
S = Settings()


def test_twenty_weekly_reads_ending_today() -> None:
    d = derive(weekly(20, AS_OF), AS_OF, S)
    assert round(d.score, 2) == 6.43
    assert d.status == "strong"
    assert d.trend == "steady"
    assert d.band == "ok"
    assert d.interval_days == 7
    assert d.interval_source == "history"


def test_twelve_weekly_reads_ending_sixty_days_ago() -> None:
    d = derive(weekly(12, AS_OF - dt.timedelta(days=60)), AS_OF, S)
    assert round(d.score, 2) == 1.43
    assert d.status == "weak"
    assert d.weakened_on is not None  # it was strong
    assert d.trend == "fading"
    assert d.band == "lapsing"
    assert d.interval_days == 7


def test_score_halves_every_thirty_days() -> None:
    assert score(days_ago(0), AS_OF, S) == 1
    assert score(days_ago(30), AS_OF, S) == pytest.approx(0.5)
    assert score(days_ago(60, kind="converse"), AS_OF, S) == pytest.approx(0.75)


def test_events_after_as_of_are_ignored() -> None:
    later = [(AS_OF + dt.timedelta(days=1), "converse")]
    assert derive(later, AS_OF, S) == derive([], AS_OF, S)


def test_no_events_is_weak_inactive_ok_with_nulls() -> None:
    d = derive([], AS_OF, S)
    assert (d.status, d.trend, d.band) == ("weak", "inactive", "ok")
    assert d.last_event is None and d.days_since is None and d.overdue_ratio is None
    assert (d.interval_days, d.interval_source) == (90, "default-weak")
    assert d.reciprocity.label == "insufficient"


def test_strong_needs_three_distinct_days() -> None:
    # Score 6 on two days is not enough: the tie must be engaged repeatedly.
    two_days = days_ago(1, 1, 2, 2, kind="converse")
    assert not replay_status(two_days, AS_OF, S).strong
    three_days = days_ago(1, 2, 3, kind="converse")
    assert replay_status(three_days, AS_OF, S).strong


def test_hysteresis_keeps_a_strong_tie_between_two_and_four() -> None:
    events = days_ago(40, 41, 42, kind="converse")  # E = 9 * ~0.39 = ~3.5 today
    assert 2 <= score(events, AS_OF, S) < 4
    assert replay_status(events, AS_OF, S).strong
    # Without ever having crossed 4 the same score stays weak.
    weak_events = days_ago(5, 30, 80)
    assert not replay_status(weak_events, AS_OF, S).strong


def test_strong_turns_weak_between_events() -> None:
    events = days_ago(100, 101, 102, kind="converse")
    replay = replay_status(events, AS_OF, S)
    assert not replay.strong
    assert replay.weakened_on is not None
    assert AS_OF - dt.timedelta(days=100) < replay.weakened_on < AS_OF


def test_dormant_after_a_year_and_pin_overrides() -> None:
    events = days_ago(365, 370, 380)
    assert derive(events, AS_OF, S).status == "dormant"
    assert derive(events, AS_OF, S).band == "dormant"
    assert derive(events, AS_OF, S, pin="strong").status == "strong"
    assert derive(days_ago(364), AS_OF, S).status == "weak"


def test_pin_weak_on_a_strong_tie() -> None:
    d = derive(weekly(20, AS_OF), AS_OF, S, pin="weak")
    assert d.status == "weak" and d.derived_status == "strong"


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        ([], "inactive"),
        (days_ago(10, 20), "new"),
        (days_ago(200, 300), "inactive"),
        (days_ago(1, 5, 100, 200), "rising"),
        (days_ago(50, 60, 70, 80, 90, 100, 150), "fading"),
        (days_ago(5, 20, 35, 50, 65, 80, 95, 110, 125), "steady"),
    ],
)
def test_trend(events: list[Moment], expected: str) -> None:
    assert trend(events, AS_OF, S) == expected


def test_interval_from_cadence_history_and_defaults() -> None:
    assert expected_interval(days_ago(1), AS_OF, False, 10, S) == (10, "cadence")
    assert expected_interval(days_ago(1, 2), AS_OF, True, None, S) == (14, "default-strong")
    assert expected_interval(days_ago(1, 2), AS_OF, False, None, S) == (90, "default-weak")
    # Gaps 3, 3, 40 (median 3) are clamped up to the 7-day minimum.
    assert expected_interval(days_ago(0, 3, 6, 46), AS_OF, False, None, S) == (7, "history")
    # Only the last five gaps count: 30 30 30 30 30 after three 100-day gaps.
    ages = [0, 30, 60, 90, 120, 150, 250, 350]
    assert expected_interval(days_ago(*ages), AS_OF, False, None, S) == (30, "history")
    # The median never exceeds 365.
    assert expected_interval(days_ago(0, 1, 2, 3), AS_OF, False, None, S)[0] == 7


@pytest.mark.parametrize(
    ("days", "interval", "expected"),
    [
        (None, 90, "ok"),
        (0, 7, "ok"),
        (6, 7, "ok"),
        (7, 7, "due"),
        (10, 7, "due"),
        (11, 7, "overdue"),
        (20, 7, "overdue"),
        (21, 7, "lapsing"),
        (364, 365, "ok"),
        (365, 365, "dormant"),
    ],
)
def test_band(days: int | None, interval: float, expected: str) -> None:
    assert band(days, interval, S)[1] == expected


def test_reciprocity_labels() -> None:
    assert reciprocity(days_ago(1, kind="share"), AS_OF, S).label == "insufficient"
    giving = reciprocity(days_ago(1, 2, kind="help-given"), AS_OF, S)
    assert giving.label == "giving" and giving.p >= 0.67
    taking = reciprocity(days_ago(1, 2, kind="help-received"), AS_OF, S)
    assert taking.label == "taking" and taking.p <= 0.33
    both = days_ago(1, kind="help-given") + days_ago(1, kind="help-received")
    assert reciprocity(both, AS_OF, S).label == "balanced"
    # Reading is not taking.
    assert reciprocity(days_ago(*range(50)), AS_OF, S).label == "insufficient"


def test_reciprocity_decays_with_a_half_life_of_180_days() -> None:
    r = reciprocity(days_ago(180, kind="help-given"), AS_OF, S)
    assert r.given == pytest.approx(1.5)


def test_participation_stage() -> None:
    assert participation([], AS_OF, S).stage == "none"
    assert participation(days_ago(1, 2, 3), AS_OF, S).stage == "listening"
    mixed = days_ago(*range(1, 20)) + days_ago(1, kind="share")
    assert participation(mixed, AS_OF, S).stage == "starting"
    assert participation(days_ago(1, 2) + days_ago(3, kind="comment"), AS_OF, S).stage == (
        "sharing"
    )


def test_settings_change_the_numbers() -> None:
    custom = settings_from_dict({"half_life_days": 60, "weights": {"read": 2}})
    assert score(days_ago(60), AS_OF, custom) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="unknown setting"):
        settings_from_dict({"half_lfe_days": 3})
    with pytest.raises(ValueError, match="weights"):
        settings_from_dict({"weights": {"reed": 1}})


kinds = st.sampled_from(sorted(DEFAULT_WEIGHTS))
moments = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=800).map(lambda a: AS_OF - dt.timedelta(days=a)), kinds
    ),
    max_size=40,
)


@given(moments, moments, st.integers(min_value=0, max_value=400))
def test_a_new_event_never_lowers_the_score(
    history: list[Moment], extra: list[Moment], later: int
) -> None:
    when = AS_OF + dt.timedelta(days=later)
    assert score(history + extra, when, S) >= score(history, when, S)


@given(moments, st.integers(min_value=0, max_value=400))
def test_derive_is_total_and_consistent(history: list[Moment], later: int) -> None:
    when = AS_OF + dt.timedelta(days=later)
    d = derive(history, when, S)
    assert d.status in ("strong", "weak", "dormant")
    assert d.band in ("ok", "due", "overdue", "lapsing", "dormant")
    assert d.trend in ("new", "rising", "steady", "fading", "inactive")
    assert S.interval_min_days <= d.interval_days <= S.interval_max_days
    assert 0 < d.reciprocity.p < 1
    if d.status == "strong":
        assert d.score >= S.weak_below - 1e-9
    # The order events are given in never matters.
    assert derive(list(reversed(history)), when, S) == d
