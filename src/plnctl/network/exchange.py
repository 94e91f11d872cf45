"""Moving ties in and out: imports, exports, and the demo's sample network."""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from plnctl.errors import InvalidValueError
from plnctl.network.base import NetworkBase, Problems

if TYPE_CHECKING:
    from plnctl.formats import Parsed
    from plnctl.importer import Report


@dataclass
class Exported:
    """Ties written out in a format, and what was left out and why."""

    text: str
    count: int
    notes: list[str] = field(default_factory=list)
    problems: Problems = field(default_factory=list)


class Exchange(NetworkBase):
    def import_parsed(self, parsed: Parsed, *, dry_run: bool = False) -> Report:
        """Plan an import under the lock and, unless a dry run, write it."""
        from plnctl.importer import Planner, Report, union_shares

        report = Report(unusable=list(parsed.skipped), warnings=list(parsed.warnings))
        report.dry_run = dry_run
        with nullcontext() if dry_run else self._locked("import") as change:
            existing, problems = self.ties()
            report.warnings.extend(f"skipped unreadable {p.path}: {p.problem}" for p in problems)
            planner = Planner(existing, self.today, taken=self.store.slugs())
            placed = [(planner.take(record), record) for record in parsed.records]
            names = {slug: tie.name for slug, tie in planner.ties.items()}
            for slug, record in placed:
                planner.link_via(slug, record, names, report.warnings)
            report.outcomes = list(planner.outcomes.values())
            shares: list[dict[str, Any]] | None = None
            if parsed.shares:
                shares, report.shares_added = union_shares(self.store.load_shares(), parsed.shares)
            settings_doc: dict[str, Any] | None = None
            if parsed.settings is not None:
                mine = self.store.settings_doc()
                if mine is None:
                    report.settings = "added"
                    settings_doc = parsed.settings
                else:
                    report.settings = "same" if mine[0] == parsed.settings else "kept"
            if dry_run or change is None:
                return report
            change.message = (
                f"import: {report.count('added')} added, {report.count('updated')} updated"
            )
            for slug, tie, is_new in planner.writes():
                if is_new:
                    self.store.create(slug, tie)
                else:
                    self.store.save(slug, tie)
            if shares is not None and report.shares_added:
                self.store.save_shares(shares)
            if settings_doc is not None:
                self.store.save_settings(settings_doc)
        return report

    def export(self, fmt: str, *, kind: str | None = None, archived: bool = False) -> Exported:
        """The network as a file of format `fmt` (opml, vcard, csv, or the json backup)."""
        from plnctl.formats import backup, csvfile, opml, vcard
        from plnctl.kinds import tie_kind

        ties, problems = self.ties()
        if fmt == "json":
            if kind is not None or archived:
                raise InvalidValueError(
                    "a JSON backup holds every tie; --kind and --archived do not apply to it"
                )
            _require_complete(problems)
            settings = self.store.settings_doc()
            text = backup.dump(
                sorted(ties, key=lambda pair: pair[0]),
                settings=None if settings is None else settings[0],
                shares=self.store.load_shares(),
                today=self.today,
            )
            return Exported(text, len(ties))
        default_kind = {"opml": "source", "vcard": "person"}.get(fmt)
        wanted = tie_kind(kind) if kind else default_kind
        chosen = [
            (slug, tie)
            for slug, tie in sorted(ties, key=lambda pair: pair[0])
            if (wanted is None or tie.kind == wanted) and (archived or not tie.archived)
        ]
        done = Exported("", len(chosen), problems=problems)
        if fmt == "opml":
            left_out = sum(1 for _, t in chosen if not t.url)
            if left_out:
                done.notes.append(
                    f"left out {left_out} tie(s) with no URL: OPML lists feeds by URL"
                )
                done.count -= left_out
            done.text = opml.dump(
                [t for _, t in chosen], title="plnctl: my sources", today=self.today
            )
        elif fmt == "vcard":
            done.text = vcard.dump(chosen)
        else:
            done.text = csvfile.dump(chosen, {slug: t.name for slug, t in ties})
        return done

    def build_sample(self) -> None:
        """Write `plnctl demo`'s sample network into an empty data directory."""
        from plnctl.sample import build

        if self.store.slugs():
            raise InvalidValueError(
                f"{self.store.root} already holds ties; the demo needs an empty directory"
            )
        with self._locked("demo: the sample network"):
            build(self.store, self.today)


def _require_complete(problems: Problems) -> None:
    """A backup that silently left a file out would not be a backup."""
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise InvalidValueError(
            f"cannot back up: {first.path} is unreadable ({first.problem}){more}; "
            "fix it first, or copy the data directory as it is"
        )
