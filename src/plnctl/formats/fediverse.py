"""Fediverse follows: Mastodon's follows CSV in and out, and the one rule for handles.

A handle is `user@instance`, written without the leading `@`; its profile is
`https://instance/@user`. Mastodon exports the accounts you follow as
`following_accounts.csv` (`Account address,Show boosts,Notify on new posts,Languages`),
and older versions as one address per line with no header.
"""

from __future__ import annotations

import re

_HANDLE = re.compile(r"@?([A-Za-z0-9_][A-Za-z0-9_.-]*)(?:@([^\s@/]+\.[^\s@/]+))?")
_PROFILE = re.compile(r"https?://([^/\s]+)/@([A-Za-z0-9_][A-Za-z0-9_.-]*)/?")


def parse_handle(text: str) -> tuple[str, str | None] | None:
    """(user, instance) of an address such as `@ann@social.example`, `ann@social.example`
    or a local `ann`; None when the text is not an address."""
    match = _HANDLE.fullmatch(text.strip())
    if match is None:
        return None
    return match.group(1), match.group(2)


def handle_key(handle: str) -> str:
    """What two handles share when they name one account: case and a leading `@` aside."""
    return handle.strip().removeprefix("@").casefold()


def profile_url(user: str, instance: str) -> str:
    return f"https://{instance}/@{user}"


def handle_of_url(url: str) -> str | None:
    """`ann@social.example` for `https://social.example/@ann`, else None."""
    match = _PROFILE.fullmatch(url.strip())
    return f"{match.group(2)}@{match.group(1)}" if match else None
