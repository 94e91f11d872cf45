"""Names and slugs: when two names are one tie, what a name may hold, and the file name
it gets. Apart from the model, so that finding a tie by name and adding one need no pydantic."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

from plnctl.slug import MAX_SLUG

MAX_NAME = 300
# Device names Windows reserves whatever the extension: `con.toml` cannot exist there.
RESERVED_SLUGS = frozenset(
    ["con", "prn", "aux", "nul"] + [f"com{i}" for i in range(10)] + [f"lpt{i}" for i in range(10)]
)
_EMOJI_CODE = re.compile(r":[a-z0-9_+-]+:")


def check_name(name: str) -> str:
    """Return the name stripped and without invisible characters (see
    `text.invisible_removed`), or raise ValueError saying what is wrong."""
    from plnctl.text import invisible_removed

    name = invisible_removed(unicodedata.normalize("NFC", name)).strip()
    if not name:
        raise ValueError("a name cannot be empty")
    if len(name) > MAX_NAME:
        raise ValueError(f"a name can be at most {MAX_NAME} characters")
    if any(unicodedata.category(c) == "Cs" for c in name):
        raise ValueError("a name must be valid UTF-8 text")
    if any(unicodedata.category(c) == "Cc" for c in name):
        raise ValueError("a name cannot contain control characters")
    return name


def slugify(name: str) -> str:
    """A portable file name for a tie: lowercase ASCII letters, digits, hyphens.

    Other scripts are transliterated (`李小龙` -> `lixiaolong`); a name that
    leaves nothing readable gets a stable hash-based slug.
    """
    from anyascii import anyascii

    text = anyascii(unicodedata.normalize("NFKC", name)).lower()
    without_emoji = _EMOJI_CODE.sub(" ", text)
    if re.search(r"[a-z0-9]", without_emoji):
        text = without_emoji
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if len(slug) > MAX_SLUG:
        cut = slug[:MAX_SLUG]
        slug = cut.rsplit("-", 1)[0] if "-" in cut[MAX_SLUG // 2 :] else cut
        slug = slug.strip("-")
    if not slug:
        digest = hashlib.blake2b(name.encode("utf-8"), digest_size=4).hexdigest()
        slug = f"tie-{digest}"
    if slug in RESERVED_SLUGS:
        slug = f"{slug}-tie"
    return slug


# Characters that only separate words: `Ann Lee`, `Ann-Lee` and `Ann. Lee` are one name.
_SEPARATORS = frozenset(".,'\"`\u2018\u2019\u201c\u201d")


def _ignored(c: str) -> bool:
    """Whether a character of a decomposed, casefolded name counts for nothing in its key."""
    return (
        unicodedata.combining(c) != 0
        or c.isspace()
        or unicodedata.category(c) in ("Pd", "Pc", "Cf")
        or c in _SEPARATORS
        or "\ufe00" <= c <= "\ufe0f"
        or "\U000e0100" <= c <= "\U000e01ef"
    )


# The same rule for ASCII text, as one table: decomposing and casefolding ASCII is
# lowercasing it, so an ASCII name's key is one `translate` (an add at 10,000 ties
# works out every name's key).
_ASCII_IGNORED = {ord(c): None for c in map(chr, range(128)) if _ignored(c)}


def name_key(name: str) -> str:
    """What two names must share to be the same tie.

    Case, accents, spaces, dashes, dots, commas and quotes are ignored, and so are
    invisible characters (zero-width joiners, direction marks, variation selectors);
    other symbols count, so `C`, `C++` and `C#` stay three ties. A name made only
    of those (`...`) is compared as typed, ignoring case.
    """
    if name.isascii():
        key = name.lower().translate(_ASCII_IGNORED)
    else:
        decomposed = unicodedata.normalize("NFKD", name).casefold()
        key = "".join(c for c in decomposed if not _ignored(c))
    return key or name.casefold()


def same_name(a: str, b: str) -> bool:
    """Two names are one tie when their keys match (see `name_key`)."""
    return name_key(a) == name_key(b)


def unique_slug(base: str, taken: Iterable[str]) -> str:
    """`base`, or `base-2`, `base-3`, ... when another file already has it."""
    # A set is looked into as it is: copying it on every call made imports quadratic.
    used = taken if isinstance(taken, set | frozenset | dict) else set(taken)
    slug, number = base, 2
    while slug in used:
        slug = numbered_slug(base, number)
        number += 1
    return slug


def numbered_slug(base: str, number: int) -> str:
    """`base-N`, `base` cut so that the whole stays within MAX_SLUG."""
    suffix = f"-{number}"
    return base[: MAX_SLUG - len(suffix)].rstrip("-") + suffix
