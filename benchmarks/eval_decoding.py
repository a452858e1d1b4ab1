"""Decoding accuracy per encoding on chardet's own labelled test files: cleanse vs chardet.

    python benchmarks/eval_decoding.py [--git /work/.mirror/chardet+chardet/repo | --dir TESTS] [--failures]
                                       [--stray N] [--stray-corpus DRAWS] [--confidence] [--doubt DRAWS]

The files are not vendored (they are web pages of many authors; chardet itself is LGPL):
the script reads them from a bare git mirror of chardet (`fetch github:chardet/chardet`)
or from a checkout's `tests/` directory. Each file sits in a folder named after its
encoding, optionally with a language suffix (`windows-1251-russian`).

A decoder's text is right when it equals the file decoded with its labelled codec, or with
an equivalent superset of it (a GB2312 file decoded as GB18030 is right when the text is
the same; WHATWG's equivalences for the single-byte labels: ISO-8859-1 = windows-1252,
ISO-8859-9 = windows-1254, TIS-620 = windows-874). A leading BOM is not part of the text.
chardet's text is `raw.decode(guess)` (strict; an error or no guess is wrong). Folders
whose label Python cannot decode (EUC-TW) are listed but not scored.

`--stray N` also scores N copies of every file with one stray byte (0x80-0xFF) inserted at a
random place (seeded): the text cannot be the labelled one any more, so a decoder is right
when it picks the labelled codec or an equivalent (issue 16: one bad byte must not trade a
file for another codec; an ASCII file with one high byte is right as cp1252 too). In a
multi-byte codec the stray byte may pair up and shift the characters up to the next ASCII
byte without any undecodable sequence: that run is the repair stage's business.

`--stray-corpus DRAWS` does the same on the clean regression sample (tests/data/clean_corpus,
text of other authors, see its README): DRAWS texts cut to 200-3,000 characters, in GB18030 and
in Big5-HKSCS, one byte inserted each; counts the texts read as another family, with and
without the byte, per size (short texts are where the evidence runs out).

`--confidence`: how well `encoding_confidence` tells a wrong decoding: every file and three
stray-byte copies of it, the right and the wrong decodings counted under a few thresholds.

`--doubt DRAWS`: how the `decoding_doubtful` signal (cleanse.decoding.doubt) tells a wrong
decoding, on chardet's files, their stray-byte copies (those of `--confidence`; UTF-16/32
apart: their codec is right but a stray byte shifts every character after it) and the
`--stray-corpus` texts with and without the byte, short UTF-8 pieces of the clean sample
(2-40 characters, half inside an ASCII line) with and without the byte, and DRAWS / 4 texts
of the clean sample followed by a JPEG-like binary tail (every decoding of them wrong; those
the decoder rejects are not counted): wrong decodings flagged and right ones flagged, for the
default rule, each threshold moved and each check alone.
"""

from __future__ import annotations

import argparse
import codecs
import json
import random
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import chardet

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from cleanse.decoding import Decoded, detect_and_decode  # noqa: E402
from cleanse.decoding.doubt import DOUBT_RULE, DoubtRule, binary_bytes, decoding_doubt  # noqa: E402

DEFAULT_GIT = "/work/.mirror/chardet+chardet/repo"

# Folder label (lower case, language suffix removed) -> codecs whose strict decoding is right.
EQUIVALENT: dict[str, tuple[str, ...]] = {
    "ascii": ("ascii", "utf-8"),
    "utf-8": ("utf-8",),
    "utf-8-sig": ("utf-8-sig",),
    "utf-16": ("utf-16",),
    "utf-16be": ("utf-16-be",),
    "utf-16le": ("utf-16-le",),
    "utf-32": ("utf-32",),
    "utf-32be": ("utf-32-be",),
    "utf-32le": ("utf-32-le",),
    "gb2312": ("gb2312", "gbk", "gb18030"),
    "big5": ("big5", "cp950", "big5hkscs"),
    "euc-tw": (),
    "shift_jis": ("shift_jis", "cp932", "shift_jisx0213", "shift_jis_2004"),
    "cp932": ("cp932",),
    "euc-jp": ("euc_jp", "euc_jis_2004", "euc_jisx0213"),
    "iso-2022-jp": ("iso2022_jp", "iso2022_jp_1", "iso2022_jp_2", "iso2022_jp_2004", "iso2022_jp_3", "iso2022_jp_ext"),
    "euc-kr": ("euc_kr", "cp949"),
    "cp949": ("cp949",),
    "iso-2022-kr": ("iso2022_kr",),
    "johab": ("johab",),
    "iso-8859-1": ("latin-1", "cp1252"),
    "windows-1252": ("cp1252",),
    "iso-8859-9": ("iso-8859-9", "cp1254"),
    "tis-620": ("tis-620", "cp874"),
    "macroman": ("mac_roman",),
    "maccyrillic": ("mac_cyrillic",),
    "ibm855": ("cp855",),
    "ibm866": ("cp866",),
}

FAMILIES: dict[str, tuple[str, ...]] = {
    "Chinese": ("gb2312", "big5", "euc-tw"),
    "Japanese": ("shift_jis", "cp932", "euc-jp", "iso-2022-jp"),
    "Korean": ("euc-kr", "cp949", "iso-2022-kr", "johab"),
    "UTF": ("ascii", "utf-8", "utf-8-sig", "utf-16", "utf-16be", "utf-16le", "utf-32", "utf-32be", "utf-32le"),
}

# The folders chardet's own test.py leaves out ("encodings we don't handle yet").
CHARDET_SKIPS = ("iso-8859-2", "iso-8859-6", "windows-1250", "windows-1254", "windows-1256")
LANGUAGES = (
    "arabic", "bulgarian", "croatian", "czech", "greek", "hebrew", "hungarian", "polish", "romanian",
    "russian", "slovak", "slovene", "turkish",
)
EXTENSIONS = (".html", ".txt", ".xml", ".srt")


def label_of(folder: str) -> str:
    label = folder.lower()
    for lang in LANGUAGES:
        if label.endswith("-" + lang):
            return label[: -len(lang) - 1]
    return label


def files_from_git(git_dir: str) -> Iterator[tuple[str, bytes]]:
    names = subprocess.run(
        ["git", "--git-dir", git_dir, "ls-tree", "-r", "--name-only", "HEAD", "tests/"],
        check=True, capture_output=True, text=True,
    ).stdout.split("\n")
    for name in sorted(n for n in names if n.count("/") == 2 and n.lower().endswith(EXTENSIONS)):
        blob = subprocess.run(["git", "--git-dir", git_dir, "show", f"HEAD:{name}"], check=True, capture_output=True)
        yield name[len("tests/"):], blob.stdout


def files_from_dir(root: str) -> Iterator[tuple[str, bytes]]:
    base = Path(root)
    for path in sorted(base.glob("*/*")):
        if path.suffix.lower() in EXTENSIONS:
            yield str(path.relative_to(base)), path.read_bytes()


def right_texts(raw: bytes, label: str) -> set[str]:
    out = set()
    for codec in EQUIVALENT.get(label, (label,)):
        try:
            out.add(raw.decode(codec).removeprefix("\ufeff"))
        except (UnicodeDecodeError, LookupError):
            pass
    return out


def chardet_text(raw: bytes) -> tuple[str | None, str | None]:
    name = chardet.detect(raw).get("encoding")
    if not name:
        return None, None
    try:
        return raw.decode(name).removeprefix("\ufeff"), name
    except (UnicodeDecodeError, LookupError):
        return None, name


def same_codec(name: str | None, label: str) -> bool:
    if not name:
        return False
    try:
        got = codecs.lookup(name).name
    except LookupError:
        return False
    right = set()
    # An ASCII file with one high byte is as much cp1252 as damaged UTF-8.
    extra = ("cp1252", "latin-1") if label == "ascii" else ()
    for codec in EQUIVALENT.get(label, (label,)) + _SUPERSET.get(label, ()) + extra:
        try:
            right.add(codecs.lookup(codec).name)
        except LookupError:
            pass
    return got in right


# The superset a decoder may rightly name for a label (cleanse decodes GB2312 as GB18030).
_SUPERSET = {"gb2312": ("gb18030",), "ascii": ("utf-8",), "euc-kr": ("cp949",), "euc-jp": ("euc_jis_2004",),
             "shift_jis": ("cp932",), "iso-8859-1": ("cp1252",), "tis-620": ("cp874",), "utf-8-sig": ("utf-8",),
             "utf-16": ("utf-16-le", "utf-16-be"), "utf-32": ("utf-32-le", "utf-32-be")}


def _insert_stray(raw: bytes, at: int, rng: random.Random) -> bytes:
    """`raw` with one random high byte inserted at `at`."""
    return raw[:at] + bytes([rng.randrange(0x80, 0x100)]) + raw[at:]


def stray_scores(files: list[tuple[str, bytes]], copies: int) -> None:
    rng = random.Random(16)
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    wrong: list[str] = []
    for name, raw in files:
        label = label_of(name.split("/")[0])
        if not right_texts(raw, label) or not raw:
            continue
        for _ in range(copies):
            at = rng.randrange(len(raw) + 1)
            damaged = _insert_stray(raw, at, rng)
            ours = detect_and_decode(damaged)
            guess = chardet.detect(damaged).get("encoding")
            ok_ours = ours.reject is None and same_codec(ours.encoding, label)
            row = per[label]
            row[0] += 1
            row[1] += ok_ours
            row[2] += same_codec(guess, label)
            if not ok_ours:
                wrong.append(f"{name} +byte at {at}: cleanse {ours.reject or ours.encoding} "
                             f"({ours.undecodable_bytes} undecodable), chardet {guess}")
    print(f"\n### One stray byte, {copies} copies per file\n")
    print("| encoding | files | cleanse | chardet |\n| --- | ---: | ---: | ---: |")
    for label in sorted(per):
        n, a, b = per[label]
        print(f"| {label} | {n} | {a}/{n} | {b}/{n} |")
    n, a, b = (sum(r[i] for r in per.values()) for i in range(3))
    print(f"| **all** | {n} | {a}/{n} ({100 * a / max(n, 1):.0f}%) | {b}/{n} ({100 * b / max(n, 1):.0f}%) |")
    print("\n" + "\n".join(wrong))


def _corpus_draws(draws: int) -> Iterator[tuple[str, tuple[str, ...], bytes, bytes]]:
    """(codec, right codecs, text bytes, the same with a stray byte) for DRAWS clean sample
    texts cut to 200-3,000 characters, in GB18030 and in Big5-HKSCS (seeded)."""
    sample = Path(__file__).resolve().parent.parent / "tests" / "data" / "clean_corpus" / "sample.jsonl"
    texts = [json.loads(line)["text"] for line in sample.read_text(encoding="utf-8").splitlines()]
    rng = random.Random(8)
    for codec, family in (("gb18030", ("gb18030",)), ("big5hkscs", ("cp950", "big5hkscs"))):
        for _ in range(draws):
            raw = rng.choice(texts)[: rng.choice((200, 500, 900, 3000))].encode(codec, "ignore")
            at = rng.randrange(len(raw) + 1)
            yield codec, family, raw, _insert_stray(raw, at, rng)


def stray_corpus(draws: int) -> None:
    print(f"\n### One stray byte in {draws} clean sample texts per codec\n")
    print("| codec | size | texts | wrong with the byte | wrong without |\n| --- | --- | ---: | ---: | ---: |")
    per: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for codec, family, raw, damaged in _corpus_draws(draws):
        row = per[codec, "under 1 KB" if len(raw) < 1024 else "1-8 KB"]
        row[0] += 1
        row[1] += detect_and_decode(damaged).encoding not in family
        row[2] += detect_and_decode(raw).encoding not in family
    for (codec, size), (n, wrong, base) in sorted(per.items(), key=lambda kv: (kv[0][0] != "gb18030", kv[0][1][0] != "u")):
        print(f"| {codec} | {size} | {n} | {wrong} | {base} |")


def confidence_split(files: list[tuple[str, bytes]]) -> None:
    rng = random.Random(16)
    right: list[float] = []
    wrong: list[float] = []
    for name, raw in files:
        label = label_of(name.split("/")[0])
        if not right_texts(raw, label) or not raw:
            continue
        places = [rng.randrange(len(raw) + 1) for _ in range(3)]
        for v in [raw] + [_insert_stray(raw, a, rng) for a in places]:
            r = detect_and_decode(v)
            if r.reject is None:
                (right if same_codec(r.encoding, label) else wrong).append(r.confidence)
    print("\n### encoding_confidence below a threshold\n")
    print("| threshold | right decodings under it | wrong decodings under it |\n| ---: | ---: | ---: |")
    for t in (0.05, 0.1, 0.2, 0.3, 0.5):
        print(f"| {t} | {sum(c < t for c in right)} of {len(right)} | {sum(c < t for c in wrong)} of {len(wrong)} |")


def _doubt_sets(files: list[tuple[str, bytes]], draws: int) -> dict[str, list[tuple[bytes, Decoded, bool]]]:
    """The decodings `--doubt` scores, by set: (bytes, decoding, right codec?)."""
    rng = random.Random(16)  # the copies of `--confidence`
    sets: dict[str, list[tuple[bytes, Decoded, bool]]] = defaultdict(list)
    for name, raw in files:
        label = label_of(name.split("/")[0])
        if not right_texts(raw, label) or not raw:
            continue
        places = [rng.randrange(len(raw) + 1) for _ in range(3)]
        shifted = label.startswith(("utf-16", "utf-32"))
        for k, v in enumerate([raw] + [_insert_stray(raw, a, rng) for a in places]):
            r = detect_and_decode(v)
            if r.reject is None:
                where = "chardet's files" if k == 0 else (
                    "their stray-byte copies, UTF-16/32" if shifted else "their stray-byte copies")
                sets[where].append((v, r, same_codec(r.encoding, label)))
    for _, family, raw, damaged in _corpus_draws(draws):
        for where, v in (("clean sample", raw), ("clean sample, stray byte", damaged)):
            r = detect_and_decode(v)
            if r.reject is None:
                sets[where].append((v, r, r.encoding in family))
    for raw, damaged in _short_utf8_draws(draws):
        for where, v in (("short UTF-8", raw), ("short UTF-8, stray byte", damaged)):
            r = detect_and_decode(v)
            if r.reject is None:
                sets[where].append((v, r, r.encoding == "utf-8"))
    for v in _binary_tail_draws(max(1, draws // 4)):
        r = detect_and_decode(v)
        if r.reject is None:
            sets["binary tail"].append((v, r, False))
    return sets


def _binary_tail_draws(draws: int) -> Iterator[bytes]:
    """DRAWS texts of the clean sample (2-200 KB, GB18030, Big5-HKSCS and UTF-8) followed by
    a JPEG-like tail (a JFIF header, then random bytes: compressed data) of 1-64 KB (seeded).
    Every decoding of them is wrong: the tail's bytes are in the text."""
    sample = Path(__file__).resolve().parent.parent / "tests" / "data" / "clean_corpus" / "sample.jsonl"
    texts = [json.loads(line)["text"] for line in sample.read_text(encoding="utf-8").splitlines()]
    rng = random.Random(13)
    for _ in range(draws):
        size, codec = rng.choice((2048, 8192, 30000, 70000, 200000)), rng.choice(("gb18030", "big5hkscs", "utf-8"))
        parts: list[bytes] = []
        while sum(map(len, parts)) < size:
            parts.append(rng.choice(texts).encode(codec, "ignore") + b"\n")
        tail = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + rng.randbytes(rng.choice((1024, 4096, 16384, 65536)))
        yield b"".join(parts)[:size] + tail


def _short_utf8_draws(draws: int) -> Iterator[tuple[bytes, bytes]]:
    """(UTF-8 bytes, the same with a stray byte) for DRAWS pieces of 2-40 characters of the
    clean sample (titles, chat lines), half of them inside an ASCII line (seeded)."""
    sample = Path(__file__).resolve().parent.parent / "tests" / "data" / "clean_corpus" / "sample.jsonl"
    texts = [json.loads(line)["text"] for line in sample.read_text(encoding="utf-8").splitlines()]
    rng = random.Random(9)
    for _ in range(draws):
        text = rng.choice(texts)
        n = rng.choice((2, 5, 10, 20, 40))
        at = rng.randrange(max(1, len(text) - n))
        piece = text[at:at + n].strip() or "中文"
        if rng.random() < 0.5:
            piece = f"Title: {piece} - example.com, page {rng.randrange(100)}"
        raw = piece.encode("utf-8")
        yield raw, _insert_stray(raw, rng.randrange(len(raw) + 1), rng)


def doubt_split(files: list[tuple[str, bytes]], draws: int) -> None:
    """How the decoding_doubtful rule (cleanse.decoding.doubt) tells wrong decodings: the
    default rule, each check alone, and each threshold moved."""
    sets = _doubt_sets(files, draws)
    base = DOUBT_RULE
    rules: list[tuple[str, DoubtRule]] = [("default " + json.dumps(base.config()), base)]
    for name, value in (("confidence_min", 0.0), ("confidence_min", 0.05), ("confidence_min", 0.2),
                        ("han_min", 5), ("han_min", 20), ("han_min", 30), ("frequent_min", 0.06),
                        ("frequent_min", 0.15), ("other_cjk_min", 1.01), ("clause_min", 1.01), ("single_byte_places", 0),
                        ("single_byte_places", 2), ("control_window_min", 16), ("control_window_min", 64),
                        ("control_window", 4096)):
        rules.append((f"{name}={value}", replace(base, **{name: value})))
    for check in base.checks:
        rules.append((f"{check} alone", replace(base, checks=(check,))))
    for check in base.checks:
        rules.append((f"without {check}", replace(base, checks=tuple(c for c in base.checks if c != check))))
    print(f"\n### decoding_doubtful: wrong decodings flagged / right ones flagged (stray corpus: {draws} draws)\n")
    print("| rule | " + " | ".join(sets) + " |\n| --- |" + " ---: |" * len(sets))
    for label, rule in rules:
        cells = []
        for rows in sets.values():
            flagged = [(right, decoding_doubt(v, r, rule) is not None) for v, r, right in rows]
            wrong = sum(1 for right, _ in flagged if not right)
            right_n = len(flagged) - wrong
            cells.append(f"{sum(f for r, f in flagged if not r)}/{wrong} w, {sum(f for r, f in flagged if r)}/{right_n} r")
        print(f"| {label} | " + " | ".join(cells) + " |")
    print("\nreasons under the default rule (wrong / right):")
    for where, rows in sets.items():
        reasons: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for v, r, right in rows:
            why = decoding_doubt(v, r, base)
            if why:
                reasons[why][right] += 1
        binary = sum(1 for v, r, _ in rows if (b := binary_bytes(v, r, base)) and b >= base.binary_share * len(v))
        print(f"- {where}: " + ", ".join(f"{k} {w}/{ok}" for k, (w, ok) in sorted(reasons.items()))
              + (f"; of them a reject binary in the decode stage (binary_share): {binary}" if binary else ""))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--git", default=DEFAULT_GIT, help="bare git mirror of chardet/chardet")
    ap.add_argument("--dir", help="a tests/ directory instead of the git mirror")
    ap.add_argument("--failures", action="store_true", help="list every file one of the two gets wrong")
    ap.add_argument("--stray", type=int, default=0, metavar="N",
                    help="also score N copies of each file with one stray high byte inserted")
    ap.add_argument("--stray-corpus", type=int, default=0, metavar="DRAWS",
                    help="score DRAWS clean sample texts per codec with one stray byte, and stop")
    ap.add_argument("--confidence", action="store_true",
                    help="how many right and wrong decodings fall under a few confidence thresholds, and stop")
    ap.add_argument("--doubt", type=int, default=0, metavar="DRAWS",
                    help="how the decoding_doubtful rule flags wrong and right decodings (chardet's files, their "
                         "stray-byte copies, DRAWS clean sample texts per codec), and stop")
    args = ap.parse_args()
    if args.doubt:
        doubt_split(list(files_from_dir(args.dir) if args.dir else files_from_git(args.git)), args.doubt)
        return
    if args.confidence:
        confidence_split(list(files_from_dir(args.dir) if args.dir else files_from_git(args.git)))
        return
    if args.stray_corpus:
        stray_corpus(args.stray_corpus)
        return
    files = list(files_from_dir(args.dir) if args.dir else files_from_git(args.git))

    per: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # files, cleanse right, chardet right
    unscored: dict[str, int] = defaultdict(int)
    failures: list[str] = []
    seconds = {"cleanse": 0.0, "chardet": 0.0}
    for name, raw in files:
        label = label_of(name.split("/")[0])
        truth = right_texts(raw, label)
        if not truth:
            unscored[label] += 1
            continue
        t0 = time.perf_counter()
        ours = detect_and_decode(raw)
        t1 = time.perf_counter()
        theirs, guess = chardet_text(raw)
        t2 = time.perf_counter()
        seconds["cleanse"] += t1 - t0
        seconds["chardet"] += t2 - t1
        ok_ours = ours.reject is None and ours.text in truth
        ok_theirs = theirs is not None and theirs in truth
        row = per[label]
        row[0] += 1
        row[1] += ok_ours
        row[2] += ok_theirs
        if not (ok_ours and ok_theirs):
            failures.append(
                f"{name}: cleanse {'ok' if ok_ours else 'WRONG'} ({ours.reject or ours.encoding}), "
                f"chardet {'ok' if ok_theirs else 'WRONG'} ({guess})"
            )

    def pct(a: int, n: int) -> str:
        return f"{a}/{n} ({100 * a / n:.0f}%)" if n else "-"

    print(f"{len(files)} files, {sum(r[0] for r in per.values())} scored; chardet {chardet.__version__}\n")
    print(f"| encoding | files | cleanse | chardet |\n| --- | ---: | ---: | ---: |")
    for label in sorted(per):
        n, a, b = per[label]
        print(f"| {label} | {n} | {pct(a, n)} | {pct(b, n)} |")
    for label, n in sorted(unscored.items()):
        print(f"| {label} | {n} | not scored: Python has no codec for the label | |")

    def total(labels: object) -> tuple[int, int, int]:
        rows = [r for k, r in per.items() if labels is None or k in labels]  # type: ignore[operator]
        return sum(r[0] for r in rows), sum(r[1] for r in rows), sum(r[2] for r in rows)

    print()
    for fam, labels in FAMILIES.items():
        n, a, b = total(labels)
        print(f"| **{fam}** | {n} | {pct(a, n)} | {pct(b, n)} |")
    n, a, b = total([k for k in per if not k.startswith(CHARDET_SKIPS)])
    print(f"| **chardet's tested set** | {n} | {pct(a, n)} | {pct(b, n)} |")
    n, a, b = total(None)
    print(f"| **all** | {n} | {pct(a, n)} | {pct(b, n)} |")
    print(f"\nseconds: cleanse {seconds['cleanse']:.2f}, chardet {seconds['chardet']:.2f}"
          f" ({seconds['chardet'] / max(seconds['cleanse'], 1e-9):.1f}x)")
    if args.failures:
        print("\n" + "\n".join(failures))
    if args.stray:
        stray_scores(files, args.stray)


if __name__ == "__main__":
    main()
