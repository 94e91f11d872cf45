"""Rules for text a user gives plnctl: what it refuses, and when two labels are one.

Topics and tags follow one rule everywhere (add, set, merge, import, filters,
completion): they match ignoring case, spaces, hyphens and underscores, so
`Machine learning` and `machine-learning` are one topic, and the first
spelling is kept. No pydantic here: `list` filters on labels without it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from plnctl.errors import InvalidValueError

_SEPARATORS = str.maketrans("", "", "-_")

# Characters that change how the text around them looks without being seen: the
# bidirectional controls (U+202E shows `Invoice\u202egpj.exe` as "Invoiceexe.jpg"),
# zero-width spaces and other invisible marks, and the line and paragraph separators,
# which end a line where none is expected. Names lose them (`invisible_removed`), and
# the terminal shows them as escapes (render.terminal.visible).
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
ZERO_WIDTH = "\u00ad\u180e\u200b\u2060\u2061\u2062\u2063\u2064\ufeff"
LINE_SEPARATORS = "\u2028\u2029"
_INVISIBLE = str.maketrans(
    {**dict.fromkeys(BIDI_CONTROLS + ZERO_WIDTH), **dict.fromkeys(LINE_SEPARATORS, " ")}
)


def invisible_removed(text: str) -> str:
    """`text` without bidirectional controls and zero-width characters, and with line
    and paragraph separators as spaces (zero-width joiners stay: emoji need them)."""
    return text.translate(_INVISIBLE)


def clean_text(value: str, what: str, *, multiline: bool = False) -> str:
    """Refuse control characters where a user cannot see them; keep the rest as typed."""
    if any(unicodedata.category(c) == "Cs" for c in value):
        # Bytes that are not UTF-8 reach us as lone surrogates, which no file can hold.
        raise InvalidValueError(f"{what} is not valid UTF-8 text")
    allowed = "\n\t\r" if multiline else "\t"
    bad = [c for c in value if unicodedata.category(c) == "Cc" and c not in allowed]
    if bad:
        raise InvalidValueError(f"{what} contains a control character ({bad[0]!r})")
    return value


def label_key(label: str) -> str:
    """What two topics or tags must share to be one label: `Machine learning` =
    `machine-learning`. Casefolded in Unicode's composed form, without whitespace,
    hyphens or underscores; a label of nothing else has the empty key, no label.
    """
    folded = unicodedata.normalize("NFC", label).casefold()
    # Composed again once the separators are gone: marks they kept apart may now combine.
    return unicodedata.normalize("NFC", "".join(folded.split()).translate(_SEPARATORS))


def union_labels(current: Iterable[str], incoming: Iterable[str]) -> tuple[list[str], list[str]]:
    """`current`, then each label of `incoming` it lacks, stripped and without empties.

    Returns the union and the labels it added; the first spelling of a label wins.
    """
    result: list[str] = []
    seen: set[str] = set()
    for label in current:
        key = label_key(label)
        if key not in seen:
            seen.add(key)
            result.append(label)
    added: list[str] = []
    for raw in incoming:
        label = raw.strip()
        key = label_key(label)
        if label and key not in seen:
            seen.add(key)
            result.append(label)
            added.append(label)
    return result, added


def unique_labels(values: Iterable[str]) -> list[str]:
    """Labels without empties or repeats (`Mentors` repeats `mentors`), in order."""
    return union_labels((), values)[0]


def has_label(labels: Iterable[str], wanted: str) -> bool:
    key = label_key(wanted)
    return any(label_key(label) == key for label in labels)


def clean_labels(values: Iterable[str], what: str) -> list[str]:
    """Labels a user typed: no control characters and no empty ones, then `unique_labels`."""
    checked = []
    for raw in values:
        value = clean_text(raw, what).strip()
        if not value:
            raise InvalidValueError(f"an empty {what} is not allowed")
        checked.append(value)
    return unique_labels(checked)


def edit_labels(
    current: list[str], add: Iterable[str], remove: Iterable[str], what: str
) -> list[str]:
    """`current` without the labels in `remove` (each must be there) and with those in `add`."""
    result = list(current)
    for value in remove:
        kept = [v for v in result if label_key(v) != label_key(value)]
        if len(kept) == len(result):
            has = f" (has: {', '.join(result)})" if result else ": it has none"
            raise InvalidValueError(f"no {what} {value!r} to remove{has}")
        result = kept
    return union_labels(result, clean_labels(add, what))[0]
