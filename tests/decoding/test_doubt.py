"""The `decoding_doubtful` signal: a decoding that fails the plausibility check says so on its row."""

from __future__ import annotations

import json
import os
import random
import subprocess
from dataclasses import replace
from pathlib import Path

import pyarrow.dataset as pads
import pytest

from cleanse.cli import main
from cleanse.decoding import DecodeStage, detect_and_decode
from cleanse.decoding.detect import single_byte
from cleanse.decoding.doubt import DOUBT_RULE, decoding_doubt

DATA = Path(__file__).resolve().parent.parent / "data"
CHARDET_GIT = os.environ.get("CLEANSE_CHARDET_GIT", "/work/.mirror/chardet+chardet/repo")
CHINESE = ("gb18030", "cp950", "big5hkscs")


def _short_gb18030_draws(n: int = 150) -> list[tuple[bytes, bytes]]:
    """(clean, with one stray byte) short GB18030 texts: the clean sample (text of other
    authors) cut to 60-200 characters; the draws of tests/test_hostile_decoding.py, not those
    eval_decoding.py --doubt chose the thresholds on (200-3,000 characters)."""
    texts = [json.loads(line)["text"] for line in
             (DATA / "clean_corpus" / "sample.jsonl").read_text(encoding="utf-8").splitlines()]
    rng = random.Random(8)
    out = []
    for _ in range(n):
        raw = rng.choice(texts)[: rng.choice((60, 120, 200))].encode("gb18030", "ignore")
        at = rng.randrange(len(raw) + 1)
        out.append((raw, raw[:at] + bytes([rng.randrange(0x80, 0x100)]) + raw[at:]))
    return out


DRAWS = _short_gb18030_draws()


def test_short_gb18030_texts_a_stray_byte_makes_another_codec_are_flagged() -> None:
    # Measured (decode 9 and 10): of the 150 damaged texts, 32 decode as another codec (29
    # single-byte, 26 of them flagged; 3 Big5, all flagged), 118 as GB18030 (none flagged); of
    # the 150 clean ones, 3 as Big5 (flagged) and 147 as GB18030 (none flagged). Decode 12
    # (Chinese punctuation is evidence for poetry): 15 damaged ones as a single-byte codec (12
    # flagged), 135 as GB18030 (none flagged), the 150 clean ones all GB18030.
    wrong = right = 0
    flagged_wrong = flagged_right = 0
    for clean, damaged in DRAWS:
        for raw in (clean, damaged):
            r = detect_and_decode(raw)
            doubtful = decoding_doubt(raw, r) is not None
            if r.encoding == "gb18030":
                right += 1
                flagged_right += doubtful
            else:
                wrong += 1
                flagged_wrong += doubtful
    assert wrong >= 10  # the case exists
    assert flagged_wrong >= wrong - 4, (flagged_wrong, wrong)
    assert flagged_right <= 2, (flagged_right, right)


def _inputs(tmp_path: Path) -> tuple[Path, bytes]:
    """An input directory with a damaged short GB18030 file read as another codec and a clean
    one; and the damaged file's bytes."""
    wrong = next(d for _, d in DRAWS if detect_and_decode(d).encoding not in CHINESE)
    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "damaged.txt").write_bytes(wrong)
    (inp / "clean.txt").write_bytes(next(c for c, _ in DRAWS if len(c) > 150))
    return inp, wrong


def test_a_row_from_a_stray_byte_short_gb18030_file_carries_the_flag(tmp_path: Path) -> None:
    inp, _ = _inputs(tmp_path)
    out = tmp_path / "out"
    assert main(["run", "-i", str(inp), "-o", str(out), "-q", "-w", "1"]) == 0
    rows = {r["source"]: r for r in pads.dataset(out / "documents").to_table().to_pylist()}
    damaged, kept = rows["in/damaged.txt"], rows["in/clean.txt"]
    assert damaged["encoding"] not in CHINESE and damaged["signals"]["decoding_doubtful"] is True
    assert dict((m["key"], m["value"]) for m in damaged["meta"])["decoding_doubt"] in DOUBT_RULE.checks
    assert kept["encoding"] == "gb18030" and kept["signals"]["decoding_doubtful"] is False
    assert "decoding_doubt" not in {m["key"] for m in kept["meta"]}


def test_reject_doubtful_makes_the_doubtful_file_a_reject_with_its_bytes(tmp_path: Path) -> None:
    inp, wrong = _inputs(tmp_path)
    config = tmp_path / "cleanse.toml"
    config.write_text("[stages.decode]\nreject_doubtful = true\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", "-i", str(inp), "-o", str(out), "-q", "-w", "1", "--config", str(config)]) == 0
    rows = pads.dataset(out / "documents").to_table().to_pylist()
    rejects = pads.dataset(out / "rejects").to_table().to_pylist()
    assert [r["source"] for r in rows] == ["in/clean.txt"] and rows[0]["signals"]["decoding_doubtful"] is False
    (reject,) = rejects
    assert (reject["source"], reject["reason"], reject["stage"], reject["raw"]) == (
        "in/damaged.txt", "doubtful_decoding", "decode", wrong)
    assert reject["detail"].split(":")[0] in DOUBT_RULE.checks


def _chinese_labelled_files() -> list[str]:
    if not os.path.isdir(CHARDET_GIT):
        return []
    names = subprocess.run(["git", "--git-dir", CHARDET_GIT, "ls-tree", "-r", "--name-only", "HEAD", "tests/"],
                           capture_output=True, text=True, check=True).stdout.split()
    return sorted(n for n in names if n.startswith(("tests/GB2312/", "tests/Big5/")))


@pytest.mark.skipif(not os.path.isdir(CHARDET_GIT), reason="no mirror of chardet (fetch github:chardet/chardet)")
def test_chardet_chinese_files_are_not_flagged() -> None:
    # 0 of chardet's 46 GB2312 and Big5 files (eval_decoding.py --doubt: 4 of its 412 right
    # decodings are flagged, none Chinese: Czech, Hungarian, Thai, Latin-1).
    names = _chinese_labelled_files()
    assert len(names) == 46
    flagged = []
    for name in names:
        raw = subprocess.run(["git", "--git-dir", CHARDET_GIT, "show", f"HEAD:{name}"],
                             capture_output=True, check=True).stdout
        why = decoding_doubt(raw, detect_and_decode(raw))
        if why:
            flagged.append((name, why))
    assert flagged == []


@pytest.mark.parametrize("text", ["双鸭山市科信局开展科技工作会议，部署全年任务。\n" * 3,
                                  "床前明月光，疑是地上霜。举头望明月，低头思故乡。"])
def test_valid_utf8_is_never_doubtful(text: str) -> None:
    raw = text.encode()
    assert decoding_doubt(raw, detect_and_decode(raw)) is None


def test_shift_jis_is_not_single_byte() -> None:
    # cp932 reads A1-DF alone but pairs its lead bytes: a Japanese page GB18030 also reads
    # cleanly must not be doubtful for that (decode 8's test took cp932 for single-byte).
    assert not single_byte("cp932") and not single_byte("euc_jis_2004") and not single_byte("cp949")
    assert single_byte("cp1252") and single_byte("koi8-r") and single_byte("cp874")


def test_the_rule_is_part_of_the_stage_identity() -> None:
    assert DecodeStage().config()["doubt"] == DOUBT_RULE.config()
    assert DecodeStage(doubt=replace(DOUBT_RULE, frequent_min=0.2)).config() != DecodeStage().config()
    assert DecodeStage(reject_doubtful=True).config() != DecodeStage().config()
    assert "decoding_doubtful" in DecodeStage.signal_types
