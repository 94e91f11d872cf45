"""Your peer-learning profile (`_profile.toml`): what you learn, what you can teach, your projects.

A goal (`[[learn]]`) is active until it is marked done or dropped; both keep
it in the file with the date, so a goal can be picked up again and the
profile shows what you have learned. Topics match by the one label rule
(`text.label_key`): `Machine learning` is the goal `machine-learning`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any

from plnctl.errors import InvalidValueError
from plnctl.text import clean_labels, clean_text, label_key

SCHEMA_VERSION = 1
Extra = dict[str, Any]


@dataclass(slots=True)
class Goal:
    """Something you want to learn (a `[[learn]]` table)."""

    topic: str
    why: str | None = None
    added: dt.date | None = None
    until: dt.date | None = None
    done: dt.date | None = None
    dropped: dt.date | None = None
    extra: Extra = field(default_factory=dict, compare=False)

    def active(self, as_of: dt.date | None = None) -> bool:
        """Neither done nor dropped; as of a day: added by then, not done or dropped by then."""
        if as_of is None:
            return self.done is None and self.dropped is None
        return (
            (self.added is None or self.added <= as_of)
            and (self.done is None or self.done > as_of)
            and (self.dropped is None or self.dropped > as_of)
        )

    @property
    def state(self) -> str:
        """active, learned or dropped."""
        if self.done is not None:
            return "learned"
        return "dropped" if self.dropped is not None else "active"


@dataclass(slots=True)
class Offer:
    """Something you could help others learn (a `[[teach]]` table)."""

    topic: str
    note: str | None = None
    added: dt.date | None = None
    extra: Extra = field(default_factory=dict, compare=False)


@dataclass(slots=True)
class Project:
    name: str
    url: str | None = None
    note: str | None = None
    extra: Extra = field(default_factory=dict, compare=False)


@dataclass(slots=True)
class Profile:
    """The whole `_profile.toml`; unknown keys are kept, at every level."""

    name: str | None = None
    about: str | None = None
    links: list[str] = field(default_factory=list)
    learn: list[Goal] = field(default_factory=list)
    teach: list[Offer] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    extra: Extra = field(default_factory=dict)

    def goal(self, topic: str) -> Goal | None:
        key = label_key(topic)
        return next((g for g in self.learn if label_key(g.topic) == key), None)

    def offer(self, topic: str) -> Offer | None:
        key = label_key(topic)
        return next((o for o in self.teach if label_key(o.topic) == key), None)

    def active_goals(self) -> list[Goal]:
        return [g for g in self.learn if g.active()]

    def copy(self) -> Profile:
        import copy

        return copy.deepcopy(self)


# -- reading and writing the file's data ----------------------------------------


class ProfileError(ValueError):
    """What is wrong with a `_profile.toml`: (field location, message) pairs."""

    def __init__(self, problems: list[tuple[tuple[str | int, ...], str]]) -> None:
        super().__init__("; ".join(message for _, message in problems))
        self.problems = problems


def _text(value: object, optional: bool = True) -> bool:
    return (value is None and optional) or (isinstance(value, str) and bool(value.strip()))


def _day(value: object) -> bool:
    return value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime))


_CHECKS: dict[str, tuple[Callable[[object], bool], str]] = {
    "text": (_text, "must be text"),
    "required": (lambda v: _text(v, optional=False), "must be non-empty text"),
    "date": (_day, "must be a date (YYYY-MM-DD)"),
}
_FIELDS: dict[type, dict[str, str]] = {
    Goal: {
        "topic": "required",
        "why": "text",
        "added": "date",
        "until": "date",
        "done": "date",
        "dropped": "date",
    },
    Offer: {"topic": "required", "note": "text", "added": "date"},
    Project: {"name": "required", "url": "text", "note": "text"},
}


def profile_from_dict(data: dict[str, Any]) -> Profile:
    """A profile from a parsed `_profile.toml` (its schema_version already checked)."""
    problems: list[tuple[tuple[str | int, ...], str]] = []
    profile = Profile(
        extra={k: v for k, v in data.items() if k not in _TOP and k != "schema_version"}
    )
    for key in ("name", "about"):
        value = data.get(key)
        if _text(value):
            setattr(profile, key, value)
        else:
            problems.append(((key,), f"field '{key}': must be text"))
    links = data.get("links", [])
    if isinstance(links, list) and all(isinstance(v, str) for v in links):
        profile.links = list(links)
    else:
        problems.append((("links",), "field 'links': must be an array of text"))
    for key, cls, target in (
        ("learn", Goal, profile.learn),
        ("teach", Offer, profile.teach),
        ("projects", Project, profile.projects),
    ):
        entries = data.get(key, [])
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            problems.append(((key,), f"field '{key}': must be an array of tables ([[{key}]])"))
            continue
        for index, entry in enumerate(entries):
            target.append(_entry(cls, key, index, entry, problems))
    if problems:
        raise ProfileError(problems)
    return profile


_TOP = ("name", "about", "links", "learn", "teach", "projects")


def _entry(cls: type, key: str, index: int, entry: dict[str, Any], problems: list[Any]) -> Any:
    known = _FIELDS[cls]
    values: dict[str, Any] = {}
    for name, check in known.items():
        value = entry.get(name)
        ok, message = _CHECKS[check]
        if ok(value):
            values[name] = (
                value.strip() if isinstance(value, str) and check == "required" else value
            )
        else:
            problems.append(((key, index, name), f"field '{key}[{index}].{name}': {message}"))
            values[name] = "?" if check == "required" else None
    extra = {k: v for k, v in entry.items() if k not in known}
    return cls(**values, extra=extra)


def profile_to_dict(profile: Profile) -> dict[str, Any]:
    """The profile as plain data for the file: empty values left out, unknown keys kept."""
    data: dict[str, Any] = {"schema_version": SCHEMA_VERSION}
    for key in ("name", "about"):
        if getattr(profile, key) is not None:
            data[key] = getattr(profile, key)
    if profile.links:
        data["links"] = list(profile.links)
    data.update(profile.extra)
    for key, entries in (
        ("learn", profile.learn),
        ("teach", profile.teach),
        ("projects", profile.projects),
    ):
        if entries:
            data[key] = [_entry_dict(e) for e in entries]
    return data


def _entry_dict(entry: Goal | Offer | Project) -> dict[str, Any]:
    out = {
        f.name: getattr(entry, f.name)
        for f in fields(entry)
        if f.name != "extra" and getattr(entry, f.name) is not None
    }
    out.update(entry.extra)
    return out


def topic_of(text: str) -> str:
    """A topic as typed: stripped, not empty, no control characters."""
    return clean_labels([text], "topic")[0]


def learn(
    profile: Profile,
    topic: str,
    today: dt.date,
    *,
    why: str | None = None,
    until: dt.date | None = None,
) -> tuple[Goal, str]:
    """Add a goal, or change one (a done or dropped goal becomes active again).

    Returns the goal and what happened: added, updated, resumed or unchanged.
    """
    topic = topic_of(topic)
    if until is not None and until < today:
        raise InvalidValueError(
            f"--until {until.isoformat()} is in the past (today is {today.isoformat()}); "
            "give a day from today on"
        )
    why = clean_text(why, "why", multiline=True).strip() or None if why is not None else None
    goal = profile.goal(topic)
    if goal is None:
        goal = Goal(topic=topic, why=why, added=today, until=until)
        profile.learn.append(goal)
        return goal, "added"
    before = Goal(goal.topic, goal.why, goal.added, goal.until, goal.done, goal.dropped)
    resumed = not goal.active()
    goal.done = goal.dropped = None
    if why is not None:
        goal.why = why
    if until is not None:
        goal.until = until
    if resumed:
        return goal, "resumed"
    return goal, "updated" if goal != before else "unchanged"


def finish(profile: Profile, topic: str, today: dt.date, *, dropped: bool) -> Goal:
    """Mark a goal learned (`dropped` False) or dropped; it stays in the profile."""
    goal = profile.goal(topic)
    if goal is None:
        raise InvalidValueError(_no_goal(profile, topic))
    if dropped:
        goal.done, goal.dropped = None, today
    else:
        goal.done, goal.dropped = today, None
    return goal


def _no_goal(profile: Profile, topic: str) -> str:
    goals = ", ".join(g.topic for g in profile.learn)
    has = f" (your goals: {goals})" if goals else "; `plnctl learn TOPIC` adds one"
    return f"{topic.strip()!r} is not one of your learning goals{has}"


def teach(profile: Profile, topic: str, today: dt.date, *, note: str | None = None) -> str:
    """Say you can help others learn a topic; returns added, updated or unchanged."""
    topic = topic_of(topic)
    note = clean_text(note, "note", multiline=True).strip() or None if note is not None else None
    offer = profile.offer(topic)
    if offer is None:
        profile.teach.append(Offer(topic=topic, note=note, added=today))
        return "added"
    if note is None or note == offer.note:
        return "unchanged"
    offer.note = note
    return "updated"


def stop_teaching(profile: Profile, topic: str) -> Offer:
    offer = profile.offer(topic)
    if offer is None:
        offers = ", ".join(o.topic for o in profile.teach) or "none yet"
        raise InvalidValueError(f"you do not teach {topic.strip()!r} (you teach: {offers})")
    profile.teach.remove(offer)
    return offer


def set_fields(
    profile: Profile,
    *,
    name: str | None = None,
    about: str | None = None,
    add_links: list[str] | None = None,
    remove_links: list[str] | None = None,
    clear_conflicts: bool = False,
) -> list[str]:
    """Change who you are; returns the fields changed. '' clears name or about;
    `clear_conflicts` removes the changes a merge set aside."""
    if (
        name is None
        and about is None
        and not add_links
        and not remove_links
        and not clear_conflicts
    ):
        raise InvalidValueError(
            "nothing to change: give --name, --about, --add-link, --remove-link or "
            "--clear-conflicts"
        )
    if clear_conflicts and "conflicts" not in profile.extra:
        raise InvalidValueError(
            "no conflict records to clear in _profile.toml: `plnctl profile` lists any there are"
        )
    changed = []
    if name is not None:
        profile.name = clean_text(name, "name").strip() or None
        changed.append("name")
    if about is not None:
        profile.about = clean_text(about, "about", multiline=True).strip() or None
        changed.append("about")
    for link in remove_links or []:
        if link.strip() not in profile.links:
            shown = ", ".join(profile.links) or "none"
            raise InvalidValueError(f"no link {link.strip()!r} to remove (links: {shown})")
        profile.links.remove(link.strip())
        changed.append("links")
    for link in add_links or []:
        url = clean_text(link, "link").strip()
        if not url:
            raise InvalidValueError("an empty link is not allowed")
        if url not in profile.links:
            profile.links.append(url)
            changed.append("links")
    if clear_conflicts:
        del profile.extra["conflicts"]
        changed.append("conflicts")
    return sorted(set(changed), key=changed.index)


def project(
    profile: Profile,
    name: str,
    *,
    url: str | None = None,
    note: str | None = None,
    drop: bool = False,
) -> str:
    """Add, change or drop a project by name; returns added, updated, unchanged or dropped."""
    name = clean_text(name, "project name").strip()
    if not name:
        raise InvalidValueError("a project needs a name")
    found = next((p for p in profile.projects if label_key(p.name) == label_key(name)), None)
    if drop:
        if found is None:
            names = ", ".join(p.name for p in profile.projects) or "none yet"
            raise InvalidValueError(f"no project {name!r} (projects: {names})")
        profile.projects.remove(found)
        return "dropped"
    url = clean_text(url, "url").strip() or None if url is not None else None
    note = clean_text(note, "note", multiline=True).strip() or None if note is not None else None
    if found is None:
        profile.projects.append(Project(name=name, url=url, note=note))
        return "added"
    before = Project(found.name, found.url, found.note)
    if url is not None:
        found.url = url
    if note is not None:
        found.note = note
    return "updated" if found != before else "unchanged"


CARD_FORMAT = "plnctl-profile"
CARD_VERSION = 1


@dataclass(frozen=True)
class Source:
    """A strong source a goal is learned from, for a published reading list."""

    name: str
    url: str | None


@dataclass(frozen=True)
class Card:
    """What `profile publish` shows: the profile, and (when asked) reading lists per goal.

    It holds no person from the network: only sources, and only when asked.
    """

    profile: Profile
    today: dt.date
    reading: dict[str, list[Source]] = field(default_factory=dict)  # goal topic -> sources

    @property
    def goals(self) -> list[Goal]:
        return self.profile.active_goals()

    @property
    def learned(self) -> list[Goal]:
        return [g for g in self.profile.learn if g.done is not None]
