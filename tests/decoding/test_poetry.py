"""Classical poetry is Chinese though its Han characters are rare ones: the clause-mark evidence
(detect.py CLAUSE_MIN, decode 12), and that no misreading of chardet's non-Chinese files has it."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from cleanse.decoding import detect_and_decode
from cleanse.decoding.detect import FREQUENT_MIN, FREQUENT_MIN_HAN, SAMPLE_BYTES, _decode_replacing, _shares
from cleanse.decoding.doubt import decoding_doubt

DATA = Path(__file__).resolve().parent.parent / "data"
CHARDET_GIT = os.environ.get("CLEANSE_CHARDET_GIT", "/work/.mirror/chardet+chardet/repo")
CHINESE_FOLDERS = ("GB2312", "Big5", "EUC-TW")
FAMILY = {"gb18030": ("gb18030",), "big5hkscs": ("cp950", "big5hkscs")}


def _rare_han_texts() -> list[tuple[str, str, bytes]]:
    """(genre, codec, bytes): the clean sample's texts (other authors' poetry, 元曲, classical
    prose) whose Han characters are too rare for FREQUENT_MIN, in GB18030 and Big5-HKSCS."""
    out = []
    for line in (DATA / "clean_corpus" / "sample.jsonl").read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        for codec in FAMILY:
            raw = doc["text"].encode(codec, "ignore")
            shares = _shares(raw.decode(codec))
            if shares.han_count >= FREQUENT_MIN_HAN and shares.frequent < FREQUENT_MIN:
                out.append((doc["genre"], codec, raw))
    return out


RARE = _rare_han_texts()


def test_poetry_whose_han_characters_are_rare_decodes_in_its_codec_unflagged() -> None:
    # Measured (decode 11): of these 193 texts (133 poetry_hant, 48 poetry_hans, 12 yuanqu_hans),
    # 60 decoded as another codec and 8 of the right ones carried `decoding_doubtful`
    # (rare_han). Decode 12: all right, none flagged.
    assert len(RARE) >= 150 and {g for g, _, _ in RARE} >= {"poetry_hans", "poetry_hant", "yuanqu_hans"}
    wrong, flagged = [], []
    for genre, codec, raw in RARE:
        r = detect_and_decode(raw)
        if r.encoding not in FAMILY[codec]:
            wrong.append((genre, codec, r.encoding))
        elif decoding_doubt(raw, r):
            flagged.append((genre, codec, decoding_doubt(raw, r)))
    assert wrong == [] and flagged == []


def _non_chinese_files() -> list[bytes]:
    if not os.path.isdir(CHARDET_GIT):
        return []
    names = subprocess.run(["git", "--git-dir", CHARDET_GIT, "ls-tree", "-r", "--name-only", "HEAD", "tests/"],
                           capture_output=True, text=True, check=True).stdout.split()
    wanted = [n for n in sorted(names) if n.count("/") == 2 and n.split("/")[1] not in CHINESE_FOLDERS]
    batch = subprocess.run(["git", "--git-dir", CHARDET_GIT, "cat-file", "--batch"], check=True, capture_output=True,
                           input="".join(f"HEAD:{n}\n" for n in wanted).encode()).stdout
    out, at = [], 0
    while at < len(batch):  # "<sha> blob <size>\n<content>\n" per file
        header_end = batch.index(b"\n", at)
        size = int(batch[at:header_end].split()[2])
        out.append(batch[header_end + 1 : header_end + 1 + size])
        at = header_end + 2 + size
    return out


@pytest.mark.skipif(not os.path.isdir(CHARDET_GIT), reason="no mirror of chardet (fetch github:chardet/chardet)")
def test_no_non_chinese_file_read_as_a_chinese_codec_has_the_clause_evidence() -> None:
    # Korean, Japanese, Cyrillic, Greek, Hebrew, Thai, ... bytes read as GB18030, cp950 or
    # Big5-HKSCS: those with rare Han characters (the readings FREQUENT_MIN keeps out) must
    # not be let in by the clause-mark evidence (measured: at most 0.006 of their Han
    # characters followed by a clause mark without kana; CLAUSE_MIN is 0.03).
    files = _non_chinese_files()
    assert len(files) >= 370
    readings = admitted = 0
    for raw in files:
        for codec in ("gb18030", "cp950", "big5hkscs"):
            shares = _shares(_decode_replacing(raw[:SAMPLE_BYTES], codec, len(raw) > SAMPLE_BYTES)[:16384])
            if shares.han_count >= FREQUENT_MIN_HAN and shares.frequent < FREQUENT_MIN:
                readings += 1
                admitted += shares.chinese_han()
    assert readings >= 900  # the case exists: most of them read with rare Han characters
    assert admitted == 0
