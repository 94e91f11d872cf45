"""Your own side of the network: the profile, learning goals, what you teach and your projects."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from plnctl.network.base import NetworkBase

if TYPE_CHECKING:
    from plnctl.profile import Goal, Offer, Profile

T = TypeVar("T")


class Personal(NetworkBase):
    def profile(self) -> Profile:
        """`_profile.toml`; an empty profile when there is none yet."""
        return self.store.load_profile()

    def _change_profile(self, message: str, change: Callable[[Profile], T]) -> T:
        """Read, change and write the profile under the lock; a broken file is never rewritten.

        `message` says what happened, for the commit when the data directory is in git.
        """
        with self._locked(message):
            profile = self.store.load_profile()
            before = profile.copy()
            outcome = change(profile)
            if profile != before:
                self.store.save_profile(profile)
        return outcome

    def learn(
        self, topic: str, *, why: str | None = None, until: dt.date | None = None
    ) -> tuple[Goal, str]:
        """Add or change a learning goal; returns it and added, updated, resumed or unchanged."""
        from plnctl import profile

        return self._change_profile(
            f"learn {topic.strip()}",
            lambda p: profile.learn(p, topic, self.today, why=why, until=until),
        )

    def finish_goal(self, topic: str, *, dropped: bool) -> Goal:
        """Mark a goal learned, or drop it; either way it stays in the profile."""
        from plnctl import profile

        return self._change_profile(
            f"learn {topic.strip()}: {'dropped' if dropped else 'learned'}",
            lambda p: profile.finish(p, topic, self.today, dropped=dropped),
        )

    def teach(self, topic: str, *, note: str | None = None) -> str:
        from plnctl import profile

        return self._change_profile(
            f"teach {topic.strip()}", lambda p: profile.teach(p, topic, self.today, note=note)
        )

    def stop_teaching(self, topic: str) -> Offer:
        from plnctl import profile

        return self._change_profile(
            f"teach {topic.strip()}: no longer", lambda p: profile.stop_teaching(p, topic)
        )

    def set_profile(
        self,
        *,
        name: str | None = None,
        about: str | None = None,
        add_links: list[str] | None = None,
        remove_links: list[str] | None = None,
        clear_conflicts: bool = False,
    ) -> list[str]:
        from plnctl import profile

        return self._change_profile(
            "profile set",
            lambda p: profile.set_fields(
                p,
                name=name,
                about=about,
                add_links=add_links,
                remove_links=remove_links,
                clear_conflicts=clear_conflicts,
            ),
        )

    def project(
        self, name: str, *, url: str | None = None, note: str | None = None, drop: bool = False
    ) -> str:
        from plnctl import profile

        return self._change_profile(
            f"profile project {name.strip()}",
            lambda p: profile.project(p, name, url=url, note=note, drop=drop),
        )
