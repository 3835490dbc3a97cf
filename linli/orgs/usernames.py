"""When two usernames look alike (Unicode TR #39, "confusable" strings).

`Admin` next to `admin`, or `аdmin` with a Cyrillic а, reads as the same person on every page
and in the audit log. A username's skeleton folds case and compatibility forms (ａ, 𝐚 → a),
then maps each character to one representative of the characters it can be mistaken for; two
names with the same skeleton are confusable. Which characters look alike comes from the Unicode
confusables data as confusable-homoglyphs ships it."""

import unicodedata
from functools import cache

from confusable_homoglyphs.confusables import confusables_data

# The data wraps right-to-left characters in LEFT-TO-RIGHT MARKs for display.
_MARKS = "\u200e\u200f"


@cache
def _representatives() -> dict[str, str]:
    """Each character → the smallest character of its class of look-alikes. The data lists
    pairs (а looks like a, a like ɑ…); the classes are their transitive closure. Case is folded
    before, not joined here: through the thousands of characters the data relates, joining each
    with its case-folded form would chain unrelated letters (r with z, e with 7) into one class."""
    parent: dict[str, str] = {}

    def root(ch: str) -> str:
        while parent.setdefault(ch, ch) != ch:
            parent[ch] = parent[parent[ch]]
            ch = parent[ch]
        return ch

    def join(a: str, b: str) -> None:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for char, homoglyphs in confusables_data.items():
        for glyph in homoglyphs:
            other = glyph["c"].strip(_MARKS)
            if len(char) == 1 and len(other) == 1:  # sequences (rn ~ m) are not mapped
                join(char, other)
    return {char: root(char) for char in parent}


def skeleton(username: str) -> str:
    representatives = _representatives()
    folded = unicodedata.normalize("NFKC", username).casefold()
    return "".join(representatives.get(ch, ch) for ch in folded)
