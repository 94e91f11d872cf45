"""How an import lands: which tie each incoming record is, and what it adds to it.

An import matches each incoming tie to one you have (by URL, then by name),
adds what is new, fills in fields you left empty, unions topics, tags and
events (by id), and never replaces a value you have or drops an event. So
importing the same file twice changes nothing the second time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

from plnctl.errors import PlnctlError
from plnctl.merging import FILLABLE, fold_into
from plnctl.names import name_key

if TYPE_CHECKING:
    from plnctl.formats import Incoming
    from plnctl.model import Tie

Action = Literal["added", "updated", "skipped"]


@dataclass
class Outcome:
    """What an import did (or, in a dry run, would do) to one tie."""

    action: Action
    slug: str
    name: str
    fields: list[str] = field(default_factory=list)
    where: str = ""
    # Fields where the file says something else and your value was kept.
    kept: list[str] = field(default_factory=list)


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)
    unusable: list[tuple[str, str]] = field(default_factory=list)  # (where, reason)
    warnings: list[str] = field(default_factory=list)
    # What the import did that is worth knowing but not a problem.
    notes: list[str] = field(default_factory=list)
    settings: str | None = None  # "added", "kept" (yours differ), "same"; None: none in file
    profile: str | None = None  # the same, for `_profile.toml`
    shares_added: int = 0
    dry_run: bool = False

    def count(self, action: Action) -> int:
        return sum(1 for o in self.outcomes if o.action == action)


def normalize_url(url: str) -> str:
    """What two URLs must share to name the same place: http(s), case and a final / aside."""
    text = url.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return text.casefold()
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        scheme = "http"
    path = parts.path.rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    return f"{scheme}://{parts.netloc.lower()}{path}{query}"


def url_label(url: str) -> str:
    """A URL as a name shows it: host and path, no scheme and no final `/`."""
    text = url.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return text
    if not parts.netloc:
        return text
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.netloc.lower()}{parts.path.rstrip('/')}{query}"


def told_apart(name: str, given: str) -> bool:
    """Whether `name` is `given` with what an import added to tell it from a namesake."""
    return name.startswith(f"{given} (") and name.endswith(")")


def kept_fields(target: Tie, incoming: Tie) -> list[str]:
    """The fields where `incoming` differs from a value `target` keeps."""
    kept = []
    if name_key(target.name) != name_key(incoming.name) and not told_apart(
        target.name, incoming.name
    ):
        kept.append("name")
    if target.kind != incoming.kind:
        kept.append("kind")
    for name in FILLABLE:
        mine, theirs = getattr(target, name), getattr(incoming, name)
        if mine is not None and theirs is not None and mine != theirs:
            if name in ("url", "site_url") and normalize_url(mine) == normalize_url(theirs):
                continue
            kept.append(name)
    return kept


IDENTITY_WORDS = {"url": "URL", "handle": "handle", "email": "e-mail address"}


class Planner:
    """Works out an import against the ties you have, in memory, in time linear in the ties."""

    def __init__(
        self,
        existing: Sequence[tuple[str, Tie]],
        today: dt.date,
        taken: Sequence[str] = (),
        *,
        tags: Sequence[str] = (),
        via: str | None = None,
    ) -> None:
        self.today = today
        self.ties: dict[str, Tie] = {slug: tie for slug, tie in existing}
        self.copied: set[str] = set()
        # Unreadable files hold their slugs too: a new tie must not land on one.
        self.taken: set[str] = set(self.ties) | set(taken)
        self.numbers: dict[str, int] = {}  # the next number to try after a taken slug
        self.by_site: dict[tuple[str, str], str] = {}  # site_url
        self.by_feed: dict[tuple[str, str], str] = {}  # url only
        self.by_handle: dict[str, str] = {}
        self.by_email: dict[str, str] = {}
        self.by_name: dict[str, str] = {}
        for slug, tie in existing:
            self._index(slug, tie)
        self.outcomes: dict[str, Outcome] = {}
        self.slug_map: dict[str, str] = {}  # a backup's slug -> the slug here
        # Ties a backup's records already landed on: two of them never share one.
        self.claimed: set[str] = set()
        self.warnings: list[str] = []
        self.repeats = 0  # entries given again, word for word
        # `--tag` for everything the file brings, `--via` for the new ties.
        self.tags = list(tags)
        self.via = via

    def _index(self, slug: str, tie: Tie) -> None:
        from plnctl.formats.fediverse import handle_key

        if tie.site_url:
            self.by_site.setdefault((tie.kind, normalize_url(tie.site_url)), slug)
        if tie.url:
            self.by_feed.setdefault((tie.kind, normalize_url(tie.url)), slug)
        if tie.handle:
            self.by_handle.setdefault(handle_key(tie.handle), slug)
        if tie.email:
            self.by_email.setdefault(tie.email.casefold(), slug)
        self.by_name.setdefault(name_key(tie.name), slug)

    def match(self, record: Incoming) -> str | None:
        """The tie here that `record` describes, or None for a new one.

        A backup is restored by slug (and name), so two ties that share a
        name or a URL stay two. A feed, channel or profile (and any source
        with a feed URL) is matched by its URL, an account by its handle, a
        contact with an e-mail by that address, and each by name only to a
        tie of its kind that has no URL (handle, e-mail) yet: the same title
        on another feed is another source, two John Smiths with two
        addresses are two people, and a feed never lands on a person. A
        source with no feed URL is matched by its site to a source with no
        feed URL either, then by name to a source; a person by name only, to
        a person, since people often share an institution's URL.
        """
        from plnctl.names import same_name

        tie = record.tie
        if record.slug is not None:
            mine = self.ties.get(record.slug)
            if mine is not None and same_name(mine.name, tie.name):
                return record.slug
            # Restored before under another slug (its own was taken)?
            slug = self.by_name.get(name_key(tie.name))
            return slug if slug not in self.claimed else None
        identity = self.identity(record)
        if identity == "url":
            if tie.url:
                slug = self.by_feed.get((tie.kind, normalize_url(tie.url)))
                if slug:
                    return slug
            return self._by_name_if_free(tie, "url")
        if identity == "email":
            if tie.email:
                slug = self.by_email.get(tie.email.casefold())
                if slug:
                    return slug
            return self._by_name_if_free(tie, "email")
        if identity == "handle":
            from plnctl.formats.fediverse import handle_key

            if tie.handle:
                slug = self.by_handle.get(handle_key(tie.handle))
                if slug:
                    return slug
            return self._by_name_if_free(tie, "handle")
        if tie.kind == "source" and tie.site_url:
            slug = self.by_site.get((tie.kind, normalize_url(tie.site_url)))
            if slug and self.ties[slug].url is None:
                return slug
        return self._by_name_of_its_kind(tie)

    def _by_name_of_its_kind(self, tie: Tie) -> str | None:
        """The tie of `tie`'s name, a person for a person and a source for a source. A
        person and a source never share a name, so the one that came second was named
        `Name (2)` (`distinct_name`): look there, so that an import run again finds it."""
        person = tie.kind == "person"
        slug = self.by_name.get(name_key(tie.name))
        number = 2
        while slug is not None and (self.ties[slug].kind == "person") != person:
            slug = self.by_name.get(name_key(f"{tie.name} ({number})"))
            number += 1
        return slug

    @staticmethod
    def identity(record: Incoming) -> str:
        """What identifies the entry: a source with a feed URL is that feed, whatever the file."""
        if record.identity == "name" and record.tie.kind == "source" and record.tie.url:
            return "url"
        return record.identity

    def _by_name_if_free(self, tie: Tie, key: str) -> str | None:
        slug = self.by_name.get(name_key(tie.name))
        if slug is None:
            return None
        mine = self.ties[slug]
        return slug if mine.kind == tie.kind and getattr(mine, key) is None else None

    def free_slug(self, name: str, wanted: str | None) -> str:
        from plnctl.names import RESERVED_SLUGS, numbered_slug, slugify

        if wanted and wanted not in self.taken and wanted not in RESERVED_SLUGS:
            return wanted
        base = slugify(name)
        if base not in self.taken:
            return base
        # Start where the last search for this base ended: many ties named alike stay linear.
        number = self.numbers.get(base, 2)
        slug = numbered_slug(base, number)
        while slug in self.taken:
            number += 1
            slug = numbered_slug(base, number)
        self.numbers[base] = number + 1
        return slug

    def distinct_name(self, tie: Tie, identity: str) -> str:
        """`tie`'s name with its URL (e-mail, handle) added, else with a number, to be free."""
        import itertools

        from plnctl.names import MAX_NAME, check_name

        value = getattr(tie, identity, None) if identity in IDENTITY_WORDS else None
        shown = url_label(value) if value and identity == "url" else value
        labels = itertools.chain([shown] if shown else [], map(str, itertools.count(2)))
        for label in labels:
            suffix = f" ({label})"
            if len(suffix) > MAX_NAME // 2:
                continue
            try:
                name = check_name(tie.name[: MAX_NAME - len(suffix)].rstrip() + suffix)
            except ValueError:
                continue
            if name_key(name) not in self.by_name:
                return name
        raise AssertionError("unreachable: the numbers never run out")

    def writable(self, slug: str) -> Tie:
        """The tie to change: a copy, so a dry run leaves what was loaded untouched."""
        if slug not in self.copied:
            self.ties[slug] = self.ties[slug].model_copy(deep=True)
            self.copied.add(slug)
        return self.ties[slug]

    def take(self, record: Incoming) -> str:
        from plnctl.text import union_labels

        if self.tags:
            record.tie.tags = union_labels(record.tie.tags, self.tags)[0]
        slug = self.match(record)
        if slug is None:
            tie = record.tie  # a parsed record is the import's own: no copy needed
            tie.via = None  # resolved once every record is in
            if tie.added is None:
                tie.added = self.today
            namesake = None if record.slug else self.by_name.get(name_key(tie.name))
            given = tie.name
            if namesake is not None:
                # One name, one tie: the second is told apart by what identifies it.
                tie.name = self.distinct_name(tie, self.identity(record))
            slug = self.free_slug(tie.name, record.slug)
            if namesake is not None:
                identity = self.identity(record)
                other = (
                    f"with another {IDENTITY_WORDS[identity]}"
                    if identity in IDENTITY_WORDS
                    else "a " + ("source" if tie.kind == "person" else "person")
                )
                self.warnings.append(
                    f"{record.where}: {namesake} is named {given!r} too, {other}; "
                    f"added as {tie.name!r} ({slug})"
                )
            self.taken.add(slug)
            self.ties[slug] = tie
            self.copied.add(slug)
            self._index(slug, tie)
            self.outcomes[slug] = Outcome("added", slug, tie.name, where=record.where)
        else:
            kept = kept_fields(self.ties[slug], record.tie)
            changed = fold_into(self.writable(slug), record.tie).changed
            outcome = self.outcomes.setdefault(
                slug, Outcome("skipped", slug, self.ties[slug].name, where=record.where)
            )
            self._note(outcome, changed)
            if outcome.action != "added":  # a repeat within the file is not yours to keep
                outcome.kept.extend(f for f in kept if f not in outcome.kept)
            elif record.slug is None:
                self._repeated(record, outcome, slug)
        if record.slug:
            self.slug_map.setdefault(record.slug, slug)
            self.claimed.add(slug)
        return slug

    def _repeated(self, record: Incoming, outcome: Outcome, slug: str) -> None:
        """An entry the file already gave: said per entry when it is spelled differently,
        else only counted (a feed filed in two folders is one feed with two tags)."""
        first = self.ties[slug]
        key = {"url": "url", "handle": "handle", "email": "email"}.get(self.identity(record))
        same_name = record.tie.name == first.name or told_apart(first.name, record.tie.name)
        if same_name and (key is None or getattr(record.tie, key) == getattr(first, key)):
            self.repeats += 1
            return
        self.warnings.append(
            f"{record.where}: the same entry as {outcome.where}; imported once, as {slug}"
        )

    def _note(self, outcome: Outcome, changed: list[str]) -> None:
        new = [f for f in changed if f not in outcome.fields]
        if outcome.action != "added":
            outcome.fields.extend(new)
            if outcome.fields:
                outcome.action = "updated"

    def link_via(self, slug: str, record: Incoming, names: Names, warnings: list[str]) -> None:
        """Fill `via` once every tie of the file is known, so it may name one of them.

        `--via` fills it on the ties this import added, unless the file names one.
        """
        outcome = self.outcomes[slug]
        target = self.ties[slug]
        if target.via is not None:
            return
        if not record.via:
            if self.via is not None and outcome.action == "added" and self.via != slug:
                target.via = self.via
            return
        if record.slug is not None:
            via: str | None = self.slug_map.get(record.via)
            if via is None and record.via in self.ties:
                via = record.via
        else:
            via = names.find(record.via)
        if via is None or via == slug:
            warnings.append(f"{record.where}: via {record.via!r} names no tie; left out")
            return
        self.writable(slug).via = via
        self._note(outcome, ["via"])

    def writes(self) -> list[tuple[str, Tie, bool]]:
        """(slug, tie, is_new) for every tie that must be written."""
        return [
            (o.slug, self.ties[o.slug], o.action == "added")
            for o in self.outcomes.values()
            if o.action != "skipped"
        ]


class Names:
    """Looks up what a file's `via` says among many ties: exact slugs and names at once."""

    def __init__(self, ties: dict[str, Tie]) -> None:
        self.names = {slug: tie.name for slug, tie in ties.items()}
        self.folded: dict[str, list[str]] = {}
        for slug, name in self.names.items():
            self.folded.setdefault(name.casefold(), []).append(slug)

    def find(self, text: str) -> str | None:
        from plnctl.resolve import resolve

        text = text.strip()
        if text in self.names:
            return text
        exact = self.folded.get(text.casefold(), [])
        if len(exact) == 1:
            return exact[0]
        try:
            return resolve(text, self.names)
        except PlnctlError:
            return None


def union_shares(
    mine: list[dict[str, Any]], theirs: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], int]:
    """The share log with the backup's entries yours lacks (by id) appended."""
    ids = {str(s["id"]) for s in mine if s.get("id")}
    merged = list(mine)
    added = 0
    for entry in theirs:
        entry_id = str(entry.get("id", ""))
        if (entry_id and entry_id in ids) or (not entry_id and entry in merged):
            continue
        merged.append(entry)
        ids.add(entry_id)
        added += 1
    return merged, added
