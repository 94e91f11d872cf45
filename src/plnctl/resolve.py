"""Turn what the user typed for TIE into one slug: exact slug, exact name, unique prefix."""

from __future__ import annotations

import difflib
from collections.abc import Mapping

from plnctl.errors import AmbiguousTieError, InvalidValueError, UnknownTieError


def resolve(query: str, names: Mapping[str, str]) -> str:
    """The slug `query` names among `names` (slug -> name); never a guess.

    An exact slug or name beats a prefix; a prefix must be unique.
    """
    from plnctl.names import slugify

    text = query.strip()
    if not text:
        raise InvalidValueError("an empty TIE names no tie: give a slug, a name or its start")
    folded = text.casefold()
    # One tie's slug and another's name, ignoring case (`C++` is `c`, `C` is `c-2`):
    # either answer would be a guess, unless the slug's own tie has that name too.
    slug = folded if folded in names else None
    if slug is not None and names[slug].casefold() != folded:
        others = sorted(s for s, n in names.items() if s != slug and n.casefold() == folded)
        # Say so only when the advice works; else the exact slug, then the name, wins.
        if others and _advice_works(slug, others, names):
            which = "the other" if len(others) == 1 else "the others"
            slugs = "the slug " if len(others) == 1 else "the slugs "
            named = ", ".join(f"{names[s]!r} ({s})" for s in others)
            raise AmbiguousTieError(
                f"{text!r} is the slug of {names[slug]!r} and the name of {named}: "
                f"type {names[slug]!r} for the first, or {slugs}{', '.join(others)} for {which}"
            )
    if text in names:
        return text
    exact = [slug for slug, name in names.items() if name.casefold() == folded]
    if len(exact) == 1:
        return exact[0]
    if len(exact) > 1:
        raise AmbiguousTieError(
            f"{len(exact)} ties are named {text!r}: use a slug ({', '.join(sorted(exact))})"
        )
    slug_prefix = slugify(text) if text else ""
    matches = sorted(
        slug
        for slug, name in names.items()
        if name.casefold().startswith(folded) or (slug_prefix and slug.startswith(slug_prefix))
    )
    if len(matches) == 1:
        return matches[0]
    if matches:
        shown = ", ".join(f"{s} ({names[s]})" for s in matches[:8])
        more = f" and {len(matches) - 8} more" if len(matches) > 8 else ""
        raise AmbiguousTieError(
            f"{text!r} matches {len(matches)} ties: {shown}{more}; type more of the name"
        )
    raise UnknownTieError(f"no tie matches {text!r}{did_you_mean(text, names)}")


def _advice_works(slug: str, others: list[str], names: Mapping[str, str]) -> bool:
    """Whether typing `slug`'s name gives `slug`, and typing each of `others` gives it.

    Advice that named an ambiguous name, or a slug some other tie is named,
    would send the user back where they started.
    """
    folded = [(s, n.casefold()) for s, n in names.items()]
    name = names[slug].casefold()
    if name in names or sum(1 for _, n in folded if n == name) > 1:
        return False
    wanted = set(others)
    return not any(n in wanted and n != s for s, n in folded)


def names_tie(query: str, slug: str, name: str) -> bool:
    """Whether `query` names the tie `slug` called `name` by one of `resolve`'s rules."""
    import unicodedata

    from plnctl.names import slugify
    from plnctl.text import invisible_removed

    text = query.strip()
    folded = text.casefold()
    named = invisible_removed(unicodedata.normalize("NFC", name)).strip().casefold()
    return text == slug or named.startswith(folded) or slug.startswith(slugify(text))


def did_you_mean(text: str, names: Mapping[str, str]) -> str:
    by_folded = {name.casefold(): slug for slug, name in names.items()}
    pool = list(by_folded) + list(names)
    close = difflib.get_close_matches(text.casefold(), pool, n=3, cutoff=0.6)
    slugs: list[str] = []
    for hit in close:
        slug = by_folded.get(hit, hit)
        if slug not in slugs:
            slugs.append(slug)
    if not slugs:
        return "; `plnctl list` shows every tie"
    return "; did you mean " + " or ".join(f"{names[s]!r} ({s})" for s in slugs) + "?"
