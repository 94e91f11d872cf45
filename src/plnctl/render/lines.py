"""What commands that change things say: one line per result on stdout, notes on stderr."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from plnctl.render.terminal import on_terminal, say, warn, warn_skipped, write_lines

if TYPE_CHECKING:
    from plnctl.checkup import Checkup, Finding
    from plnctl.gitrepo import Commit
    from plnctl.importer import Report
    from plnctl.model import Tie
    from plnctl.network import Merged, Renamed, ShareRecord
    from plnctl.network.syncing import Fold, SyncReport, SyncSetup
    from plnctl.profile import Goal, Offer
    from plnctl.review import Placement, TieView
    from plnctl.tiefile import NewEvent


def version(number: str) -> None:
    write_lines([f"plnctl {number}"])


def added(slug: str) -> None:
    write_lines([slug])


def checked_in(v: TieView, event: NewEvent) -> None:
    d = v.derived
    write_lines(
        [
            f"logged {event['kind']} with {v.name} ({v.slug}) on {event['date'].isoformat()}: "
            f"now {d.status}, score {d.score:.1f}"
        ]
    )
    if v.tie.archived:
        say(
            f"{v.slug} is archived: the check-in is logged, but the tie stays out of review "
            f"until `plnctl unarchive {v.slug}`"
        )


def shared(record: ShareRecord) -> None:
    write_lines([f"shared {record.words()} on {record.date.isoformat()}"])


def updated(slug: str, name: str, changed: bool = True) -> None:
    if changed:
        write_lines([f"updated {slug} ({name})"])
    else:
        say(f"{slug} ({name}) already says that; nothing changed")


def edited(slug: str, tie: Tie | None) -> None:
    if tie is None:
        say(f"no changes; {slug} is as it was")
    else:
        write_lines([f"saved {slug} ({tie.name})"])


def renamed(done: Renamed) -> None:
    lines = [f"renamed {done.old_slug} ({done.old_name}) to {done.slug} ({done.name})"]
    if done.repointed:
        lines.append(f"updated --via in {', '.join(done.repointed)}")
    write_lines(lines)
    if done.skipped and done.slug != done.old_slug:
        warn_skipped(done.skipped)
        warn(f"a skipped file that names {done.old_slug} as --via still does")


def merged(done: Merged) -> None:
    f = done.folded
    lines = [
        f"merged {done.removed} into {done.slug} ({done.tie.name}) and removed {done.removed}",
        f"events: {f.events_added} added, {f.events_shared} already there",
    ]
    if f.topics_added:
        lines.append(f"topics added: {', '.join(f.topics_added)}")
    if f.tags_added:
        lines.append(f"tags added: {', '.join(f.tags_added)}")
    if f.filled:
        lines.append(f"fields taken from {done.removed}: {', '.join(f.filled)}")
    if done.repointed:
        lines.append(f"updated --via in {', '.join(done.repointed)}")
    write_lines(lines)
    if done.skipped:
        warn_skipped(done.skipped)


def archived(slug: str, archived: bool, changed: bool) -> None:
    if changed:
        write_lines([f"{'archived' if archived else 'unarchived'} {slug}"])
    else:
        state = "is already archived" if archived else "is not archived"
        say(f"{slug} {state}; nothing changed")


def removed(slug: str) -> None:
    write_lines([f"removed {slug}"])


def snoozed(slug: str, until: dt.date) -> None:
    write_lines([f"snoozed {slug} until {until.isoformat()}"])


def unsnoozed(slug: str, before: dt.date | None) -> None:
    if before is None:
        say(f"{slug} was not snoozed; nothing changed")
    else:
        write_lines([f"{slug} is back in review (was snoozed until {before.isoformat()})"])


def spread(plan: Sequence[Placement], over: int, *, dry_run: bool) -> None:
    if not plan:
        say("nothing to spread: no tie is due, overdue or lapsing")
        return
    width = max(len(p.slug) for p in plan)
    snooze_word = "would snooze until" if dry_run else "snoozed until"
    lines = []
    for p in plan:
        where = f"{snooze_word} {p.until.isoformat()}" if p.until else "stays due today"
        lines.append(f"{p.slug:<{width}}  {p.band:<7} {p.overdue_ratio:5.1f}x  {where}")
    write_lines(lines)
    moved = sum(1 for p in plan if p.until)
    if dry_run:
        say(f"dry run: would spread {_ties(len(plan))} over {over} days; nothing was changed")
    else:
        say(f"spread {_ties(len(plan))} over {over} days ({moved} snoozed)")


VERBS = {
    False: {"added": "added", "updated": "updated", "skipped": "skipped"},
    True: {"added": "would add", "updated": "would update", "skipped": "would skip"},
}


def import_report(report: Report) -> None:
    """One line per tie touched, then the unusable entries, then the counts."""
    verbs = VERBS[report.dry_run]
    used = {o.action for o in report.outcomes} | ({"skipped"} if report.unusable else set())
    width = max((len(verbs[a]) for a in used), default=0)
    lines = []
    for outcome in report.outcomes:
        notes = []
        if outcome.action == "updated":
            notes.append(", ".join(outcome.fields))
        if outcome.kept:
            notes.append(f"kept yours: {', '.join(outcome.kept)}")
        elif outcome.action == "skipped":
            notes.append("already up to date")
        detail = f"  ({'; '.join(notes)})" if notes else ""
        lines.append(f"{verbs[outcome.action]:<{width}}  {outcome.slug}: {outcome.name}{detail}")
    for where, reason in report.unusable:
        lines.append(f"{verbs['skipped']:<{width}}  {where}: {reason}")
    for what, state, differ in (
        ("settings", report.settings, "differ"),
        ("profile", report.profile, "differs"),
    ):
        if state:
            told = {"added": "restored", "kept": f"kept yours (the backup's {differ})"}
            lines.append(f"{what}: {told.get(state, state)}")
    if report.shares_added:
        lines.append(f"public shares: {report.shares_added} added")
    added, updated = report.count("added"), report.count("updated")
    skipped = report.count("skipped") + len(report.unusable)
    if report.dry_run:
        lines.append(f"dry run: {added} to add, {updated} to update, {skipped} to skip")
    else:
        lines.append(f"{added} added, {updated} updated, {skipped} skipped")
    write_lines(lines)


def import_notes(report: Report) -> None:
    """The import's warnings, and a reminder that a dry run wrote nothing."""
    for line in report.warnings:
        warn(line)
    for line in report.notes:
        say(line)
    if report.dry_run:
        say("dry run: nothing was written")


def export_text(text: str, output: Path | None, *, data_dir: Path, force: bool = False) -> None:
    """An export on stdout, or written atomically to the file `--output` names.

    Never into the data directory (a file there would be read as a tie), never
    over an existing file without `force`; a replaced file keeps its mode.
    """
    import stat
    import sys

    from plnctl.errors import InvalidValueError
    from plnctl.store import atomic_write, describe_os_error

    if output is None or str(output) == "-":
        sys.stdout.write(on_terminal(text))
        return
    path = output.expanduser()
    if path.is_dir():
        raise InvalidValueError(f"{output} is a directory; give a file name to --output")
    target = path.resolve()
    if target.parent == data_dir.expanduser().resolve():
        raise InvalidValueError(
            f"{output} is in the data directory, where plnctl keeps your ties; "
            "write the export somewhere else"
        )
    mode = None
    if path.exists() or path.is_symlink():
        if not force:
            raise InvalidValueError(f"{output} already exists; add --force to replace it")
        mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else None
    try:
        atomic_write(target, text.encode("utf-8"), mode=mode)
    except OSError as exc:
        raise InvalidValueError(describe_os_error(exc, path)) from None


def exported(count: int, output: Path | None, notes: Sequence[str]) -> None:
    for note in notes:
        say(note)
    if output is not None:
        say(f"wrote {_ties(count)} to {output}")


def mapped(count: int, output: Path) -> None:
    ties = "tie" if count == 1 else "ties"
    say(f"wrote a map of {count} {ties} to {output}")


def finding_text(finding: Finding) -> str:
    where = f"{finding.path}:{finding.line}" if finding.line else str(finding.path)
    prefix = "note: " if finding.level == "note" else ""
    return f"{where}: {prefix}{finding.message}"


def checkup(result: Checkup) -> None:
    """Each finding on its own line; when nothing is wrong, how many ties are fine."""
    lines = [finding_text(f) for f in result.findings]
    if not result.errors:
        lines.append("1 tie OK" if result.ties == 1 else f"all {result.ties} ties OK")
    write_lines(lines)


def paths(places: Mapping[str, str]) -> None:
    labels = {"data_dir": "data", "settings_file": "settings", "cache_dir": "cache"}
    labels["index_file"] = "index"
    write_lines(f"{labels[key]:<8}  {value}" for key, value in places.items())


def demo_ready(root: Path) -> None:
    say(f"the sample network is in {root}")
    say(f"explore it: plnctl --data-dir {root} list   (or show ada, checkin ben, ...)")


def goal_set(goal: Goal, what: str) -> None:
    until = f" (until {goal.until.isoformat()})" if goal.until else ""
    if what == "unchanged":
        say(f"{goal.topic!r} is already a learning goal{until}; nothing changed")
        return
    verb = {"added": "learning", "updated": "updated goal", "resumed": "learning again"}[what]
    write_lines([f"{verb}: {goal.topic}{until}"])


def goal_finished(goal: Goal) -> None:
    if goal.done is not None:
        write_lines([f"learned: {goal.topic} (on {goal.done.isoformat()}; kept in your profile)"])
    elif goal.dropped is not None:
        write_lines([f"dropped: {goal.topic} (`plnctl learn {goal.topic!r}` picks it up again)"])


def teaching_set(topic: str, what: str) -> None:
    if what == "unchanged":
        say(f"you already offer {topic!r}; nothing changed")
    else:
        write_lines([f"{'teaching' if what == 'added' else 'updated offer'}: {topic}"])


def teaching_dropped(offer: Offer) -> None:
    write_lines([f"no longer offered: {offer.topic}"])


def profile_changed(fields: Sequence[str]) -> None:
    if fields:
        write_lines([f"updated your profile: {', '.join(fields)}"])
    else:
        say("your profile already says that; nothing changed")


def conflicts_cleared(file_name: str, count: int) -> None:
    records = "1 conflict record" if count == 1 else f"{count} conflict records"
    write_lines([f"cleared {records} from {file_name}"])


def project_changed(name: str, what: str) -> None:
    if what == "unchanged":
        say(f"project {name!r} already says that; nothing changed")
    else:
        write_lines([f"project {what}: {name}"])


# -- git: sync, log, undo ------------------------------------------------------------


def sync_setup(done: SyncSetup) -> None:
    lines = []
    if done.cloned:
        lines.append(f"cloned {done.cloned} into {done.root}")
    elif done.created:
        lines.append(f"made {done.root} a git repository")
    if done.driver:
        lines.append("registered plnctl's merge driver in .git/config")
    if done.files:
        lines.append(f"wrote {', '.join(done.files)}")
    if done.committed:
        lines.append("committed the data directory as it is")
    if done.remote and done.remote != done.remote_before:
        was = f" (was {done.remote_before})" if done.remote_before else ""
        lines.append(f"origin is {done.remote}{was}")
    if not lines:
        say(f"sync is already set up in {done.root}; nothing changed")
    else:
        write_lines(lines)
        if done.remote or done.cloned:
            say("every change is now a commit; `plnctl sync` syncs with origin")
        else:
            say(
                "every change is now a commit; `plnctl sync init REMOTE` adds a remote to sync with"
            )
    if done.unreachable:
        warn(
            f"cannot reach {done.remote} ({done.unreachable}): `plnctl sync` fails until it "
            "exists and can be reached; `plnctl sync init REMOTE` sets another"
        )


def synced(report: SyncReport, *, finished: bool) -> None:
    """What `plnctl sync` did; when it stopped part-way, what it did before."""
    from plnctl.conflicts import commands_for, summary

    lines = []
    if report.finished_merge:
        lines.append("finished the merge left unfinished")
    if report.driver:
        lines.append("registered plnctl's merge driver in .git/config")
    if report.hand_edits:
        lines.append(f"committed hand edits: {', '.join(report.hand_edits)}")
    where = f"{report.remote}/{report.branch}"
    if report.received:
        count = "1 commit" if report.received == 1 else f"{report.received} commits"
        changed = f": {', '.join(report.changed)}" if report.changed else ""
        lines.append(f"merged {count} from {where}{changed}")
    settled = report.settled
    if settled is not None:
        lines += [f"moved the changes to {old} into {new}" for old, new in settled.moved]
        lines += [f"kept {p}: changed on one device, deleted on the other" for p in settled.kept]
        lines += [
            f"{old} became {here} here and {there} on the other device: both hold its "
            f"history; `plnctl merge {there.removesuffix('.toml')} "
            f"{here.removesuffix('.toml')}` folds them into one"
            for old, here, there in settled.split
        ]
        lines += [
            f"kept {p}: changed on one device, deleted on the other without a rename or merge "
            f"plnctl could follow; if it lives on in another tie, `plnctl merge "
            f"{p.removesuffix('.toml')} OTHER` folds it in"
            for p in settled.unfollowed
        ]
        if settled.repointed:
            lines.append(f"updated --via in {', '.join(settled.repointed)}")
    for path, added in report.recorded:
        changes = "1 change" if added == 1 else f"{added} changes"
        lines.append(
            f"{path}: {changes} both devices made differently set aside "
            f"(`{commands_for(path)[0]}` or `plnctl doctor`)"
        )
    lines += [
        f"_settings.toml: {summary(record)}; this device's value stays (edit _settings.toml "
        "to change it)"
        for record in report.settings_kept
    ]
    if report.other_branches:
        branches = ", ".join(report.other_branches)
        warn(
            f"{report.remote} also has {branches}, which plnctl does not sync (it syncs "
            f"{report.branch}): a device that syncs there never meets this one; see "
            "docs/sync.md, 'When something goes wrong'"
        )
    if report.broken:
        warn(
            f"received {', '.join(report.broken)}, which plnctl cannot use as it is: skipped "
            "until fixed (`plnctl doctor` says why)"
        )
    if report.pushed:
        count = "1 commit" if report.pushed == 1 else f"{report.pushed} commits"
        lines.append(f"pushed {count} to {where}")
    if finished and not (report.received or report.pushed):
        lines.append(f"up to date with {where}")
    write_lines(lines)


def log(commits: Sequence[Commit]) -> None:
    if not commits:
        say("no history yet")
        return
    write_lines(f"{c.short}  {c.date[:16].replace('T', ' ')}  {c.message}" for c in commits)


def undone(commit: Commit) -> None:
    write_lines([f"undid {commit.short}: {commit.message}"])


def folded(folds: Sequence[Fold], private: Sequence[str], *, json: bool) -> None:
    """`doctor --fix`: each conflict copy folded into its file, or why it was kept, and
    each file made private (on stderr when stdout carries a JSON document)."""
    from plnctl.conflicts import summary

    lines = []
    for fold in folds:
        if fold.problem is not None:
            warn(f"kept {fold.copy}: {fold.problem}")
            continue
        added = "1 entry" if fold.added == 1 else f"{fold.added} entries"
        what = f"{added} added" if fold.added else "nothing new"
        if fold.recorded:
            what += f", {fold.recorded} set aside as conflicts"
        lines.append(f"folded {fold.copy} into {fold.original} ({what})")
        lines += [
            f"{fold.original}: {summary(record)}; the value in {fold.original} stays "
            f"(edit {fold.original} to change it)"
            for record in fold.settings_kept
        ]
    lines += [f"made {name} private (only you can read or change it)" for name in private]
    if json:
        for line in lines:
            say(line)
    else:
        write_lines(lines)


def _ties(count: int) -> str:
    return "1 tie" if count == 1 else f"{count} ties"
