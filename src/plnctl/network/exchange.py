"""Moving ties in and out: imports, exports, and the demo's sample network."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from plnctl.errors import InvalidValueError
from plnctl.network.base import NetworkBase, Problems

if TYPE_CHECKING:
    from plnctl.formats import Parsed
    from plnctl.importer import Report
    from plnctl.model import Tie


@dataclass
class Exported:
    """Ties written out in a format, and what was left out and why."""

    text: str
    count: int
    notes: list[str] = field(default_factory=list)
    problems: Problems = field(default_factory=list)


# What an export holds when --kind does not say: feeds for OPML, people for vCard
# and Mastodon, everything for CSV.
DEFAULT_KIND = {"opml": "source", "vcard": "person", "mastodon": "person"}


LEFT_OUT = {
    "opml": "people: OPML lists feeds (--kind person exports people with a URL instead)",
    "vcard": "sources: a vCard export holds people (--kind source exports sources instead)",
    "mastodon": "sources: a follows list holds people (--kind source exports sources instead)",
}
# What a tie must have to be in an export of that format, and why.
NEEDS = {"opml": ("url", "URL: OPML lists feeds by URL"), "mastodon": ("handle", "handle")}


class Exchange(NetworkBase):
    def import_parsed(
        self,
        parsed: Parsed,
        *,
        dry_run: bool = False,
        tags: Sequence[str] = (),
        via: str | None = None,
    ) -> Report:
        """Plan an import under the lock and, unless a dry run, write it.

        `tags` go on every tie the file brings; `via` (a TIE) on the new ones.
        """
        from plnctl.importer import Names, Planner, Report, union_shares
        from plnctl.text import clean_labels

        report = Report(unusable=list(parsed.skipped), warnings=list(parsed.warnings))
        report.dry_run = dry_run
        tags = clean_labels(tags, "tag")
        via_slug = self.find(via) if via else None
        with nullcontext() if dry_run else self._locked("import") as change:
            existing, problems = self.ties()
            report.warnings.extend(f"skipped unreadable {p.path}: {p.problem}" for p in problems)
            planner = Planner(
                existing, self.today, taken=self.store.slugs(), tags=tags, via=via_slug
            )
            placed = [(planner.take(record), record) for record in parsed.records]
            names = Names(planner.ties)
            for slug, record in placed:
                planner.link_via(slug, record, names, report.warnings)
            report.warnings.extend(planner.warnings)
            if planner.repeats:
                report.notes.append(
                    f"{planner.repeats} entr{'y' if planner.repeats == 1 else 'ies'} of the file "
                    "repeated an earlier one (a feed in several folders, a contact listed "
                    "twice): each became one tie, with the tags of all"
                )
            report.outcomes = list(planner.outcomes.values())
            shares: list[dict[str, Any]] | None = None
            if parsed.shares:
                shares, report.shares_added = union_shares(self.store.load_shares(), parsed.shares)
            report.settings, settings_doc = _restored(parsed.settings, self.store.settings_doc)
            report.profile, profile_doc = _restored(parsed.profile, self.store.profile_doc)
            if dry_run or change is None:
                return report
            change.message = (
                f"import: {report.count('added')} added, {report.count('updated')} updated"
            )
            from plnctl.progress import counted

            writes = planner.writes()
            self._write_import(list(counted(writes, len(writes), "importing", self.on_progress)))
            if shares is not None and report.shares_added:
                self.store.save_shares(shares)
            if settings_doc is not None:
                self.store.save_settings(settings_doc)
            if profile_doc is not None:
                from plnctl.profile import profile_from_dict

                self.store.save_profile(profile_from_dict(profile_doc))
        return report

    def _write_import(self, writes: list[tuple[str, Tie, bool]]) -> None:
        """Write the ties at once; a failure part-way says how far it got."""
        from plnctl.errors import PartialWriteError

        try:
            self.store.write_many(writes)
        except PartialWriteError as exc:
            why = exc.message.removesuffix("; nothing was changed")
            raise PartialWriteError(
                f"{why}: {exc.written:,} of {exc.total:,} ties written, the rest not; "
                "run the import again to finish (what was written is kept, and skipped then)",
                exc.written,
                exc.total,
            ) from None

    def export(self, fmt: str, *, kind: str | None = None, archived: bool = False) -> Exported:
        """The network as a file of format `fmt` (opml, vcard, csv, mastodon, or the backup).

        Nothing is left out without a note saying how many and why.
        """
        from plnctl.formats import backup, csvfile, fediverse, opml, vcard
        from plnctl.kinds import kind_matches

        if fmt == "dot":
            return self._export_dot(kind=kind, archived=archived)
        ties, problems = self.ties()
        if fmt == "json":
            if kind is not None or archived:
                raise InvalidValueError(
                    "a JSON backup holds every tie; --kind and --archived do not apply to it"
                )
            _require_complete(problems)
            settings, profile = self.store.settings_doc(), self.store.profile_doc()
            text = backup.dump(
                sorted(ties, key=lambda pair: pair[0]),
                settings=None if settings is None else settings[0],
                profile=None if profile is None else profile[0],
                shares=self.store.load_shares(),
                today=self.today,
            )
            return Exported(text, len(ties))
        shown = [(s, t) for s, t in sorted(ties, key=lambda p: p[0]) if archived or not t.archived]
        if not archived and len(shown) < len(ties):
            hidden = len(ties) - len(shown)
            done_notes = [f"left out {_ties(hidden)}, archived (--archived includes them)"]
        else:
            done_notes = []
        word = kind or DEFAULT_KIND.get(fmt)
        chosen = [(s, t) for s, t in shown if word is None or kind_matches(word, t.kind, t.medium)]
        if kind is None and word is not None and len(chosen) < len(shown):
            done_notes.append(f"left out {len(shown) - len(chosen)} {LEFT_OUT[fmt]}")
        done = Exported("", len(chosen), notes=done_notes, problems=problems)
        if fmt in NEEDS:
            attribute, why = NEEDS[fmt]
            without = sum(1 for _, t in chosen if not getattr(t, attribute))
            if without:
                done.notes.append(f"left out {_ties(without)} with no {why}")
                done.count -= without
        if fmt == "opml":
            done.text = opml.dump(
                [t for _, t in chosen], title="plnctl: my sources", today=self.today
            )
        elif fmt == "vcard":
            done.text = vcard.dump(chosen)
        elif fmt == "mastodon":
            done.text = fediverse.dump(chosen)
        else:
            done.text = csvfile.dump(chosen, {slug: t.name for slug, t in ties})
        return done

    def _export_dot(self, *, kind: str | None, archived: bool) -> Exported:
        """The map of `plnctl map` as a Graphviz graph (formats/dot.py)."""
        from plnctl.formats import dot
        from plnctl.kinds import tie_kind
        from plnctl.review import tie_view

        wanted = tie_kind(kind) if kind else None
        ties, problems = self.summaries(self.today)
        views = [
            tie_view(slug, t, self.today, self.settings)
            for slug, t in ties
            if (archived or not t.archived) and (wanted is None or t.kind == wanted)
        ]
        return Exported(dot.dump(views), len(views), problems=problems)

    def build_sample(self) -> None:
        """Write `plnctl demo`'s sample network into an empty data directory."""
        from plnctl.sample import build

        if self.store.slugs():
            raise InvalidValueError(
                f"{self.store.root} already holds ties; the demo needs an empty directory"
            )
        with self._locked("demo: the sample network"):
            build(self.store, self.today)


def _restored(
    theirs: dict[str, Any] | None, read_mine: Callable[[], tuple[dict[str, Any], str] | None]
) -> tuple[str | None, dict[str, Any] | None]:
    """What a backup's settings (or profile) come to here, and what to write: restored
    when you have none, never over yours."""
    if theirs is None:
        return None, None
    mine = read_mine()
    if mine is None:
        return "added", theirs
    return ("same" if mine[0] == theirs else "kept"), None


def _require_complete(problems: Problems) -> None:
    """A backup that silently left a file out would not be a backup."""
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise InvalidValueError(
            f"cannot back up: {first.path} is unreadable ({first.problem}){more}; "
            "fix it first, or copy the data directory as it is"
        )


def _ties(count: int) -> str:
    return "1 tie" if count == 1 else f"{count} ties"
