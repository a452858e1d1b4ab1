"""The normalised form that exact and near-duplicate detection compare.

Two copies of one text differ in ways that say nothing about their content: full-width vs
half-width forms (`ＡＢＣ１２３` / `ABC123`, `，` / `,`), punctuation choice (`“”` / `""`, `。` / `.`),
whitespace and line breaks, letter case. `dedup_form` folds all of those away: NFKC (width and
compatibility forms), case folding, then every character of the Unicode categories P
(punctuation), S (symbols), Z (separators) and C (controls, formats) is deleted. What is left is
the sequence of letters and digits, which is what a reader would call "the same text".

Traditional and Simplified copies are NOT folded here: the pipeline's `convert_t2s` stage has
already converted the text, so both copies arrive as the same Simplified text.
"""

from __future__ import annotations

import hashlib
import sys
import unicodedata
from functools import lru_cache

FORM_VERSION = "1"


@lru_cache(maxsize=1)
def _delete_table() -> dict[int, None]:
    # Built once over all code points (about 0.3 s); str.translate then runs in C.
    table: dict[int, None] = {}
    for cp in range(sys.maxunicode + 1):
        cat = unicodedata.category(chr(cp))
        if cat[0] in "PSZC":
            table[cp] = None
    return table


def dedup_form(text: str) -> str:
    """`text` with width, case, punctuation, symbols and whitespace folded away."""
    return unicodedata.normalize("NFKC", text).casefold().translate(_delete_table())


def exact_key(form: str) -> bytes:
    """16-byte digest of a normalised form: equal keys = exact duplicates."""
    return hashlib.blake2b(form.encode("utf-8", "surrogatepass"), digest_size=16).digest()
