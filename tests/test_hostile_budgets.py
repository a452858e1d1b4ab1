"""Per-document budgets (issue 16): a document that takes too long or is too large becomes a
reject with its raw bytes, and the run goes on. Long single lines are cut into bounded pieces.

No wall-clock thresholds: the stages here stall far past a tiny budget (a sleep of seconds, a
busy loop), and the tests check what became of each document."""

from __future__ import annotations

import json
import threading
import time

import pyarrow.parquet as pq
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from cleanse import DecodeStage, Document, Pipeline, Reject, TextEdit, TextStage
from cleanse.budget import Budget, OverBudget, deadline
from cleanse.decoding.detect import code_unit_layout, detect_and_decode
from cleanse.executors.local import run
from cleanse.io.chunks import SourceBytes, chunk_ranges
from cleanse.io.sources import SourceFile

STALL = 20.0  # seconds a stalling stage would take: far past any budget below


class SleepOn(TextStage):
    """Sleeps on texts containing 'slow' (in C: `time.sleep`)."""

    name, version = "sleep_on", "1"

    def transform(self, text: str) -> str:
        if "slow" in text:
            time.sleep(STALL)
        return text


class SpinOn(TextStage):
    """Busy-loops in Python on texts containing 'slow', swallowing every Exception."""

    name, version = "spin_on", "1"

    def transform(self, text: str) -> str:
        if "slow" in text:
            t0 = time.perf_counter()
            while time.perf_counter() - t0 < STALL:
                try:
                    sum(range(1000))
                except Exception:  # a stage's own broad except must not swallow the budget
                    pass
        return text.upper()


class BatchSleepOn(SleepOn):
    """A stage that transforms whole batches itself (like convert_t2s)."""

    name = "batch_sleep_on"

    def transform_batch(self, texts: list[str]) -> list[TextEdit | str]:
        return [self.transform(t) for t in texts]


def _docs(texts: list[str]) -> list[Document]:
    return [Document.from_bytes(f"d{i}.txt", t.encode()) for i, t in enumerate(texts)]


@pytest.mark.parametrize("stage", [SleepOn(), SpinOn(), BatchSleepOn()], ids=lambda s: s.name)
def test_a_stalling_document_becomes_too_slow_and_the_rest_go_on(stage: TextStage) -> None:
    texts = ["quick one", "a slow one", "quick two"]
    pipe = Pipeline("t", "1", [DecodeStage(), stage], budget=Budget(max_seconds=0.05, seconds_per_mb=0))
    out = pipe.run(_docs(texts))
    items = list(out)
    assert [type(i).__name__ for i in items] == ["Document", "Reject", "Document"]
    slow = items[1]
    assert isinstance(slow, Reject)
    assert (slow.reason, slow.stage, slow.raw) == ("too_slow", stage.name, b"a slow one")
    assert "0.05 s" in slow.detail
    stats = {s.name: s for s in pipe.stats}[stage.name]
    assert stats.reject_reasons == {"too_slow": 1}
    assert [i.text for i in items if isinstance(i, Document)] == (
        ["QUICK ONE", "QUICK TWO"] if isinstance(stage, SpinOn) else ["quick one", "quick two"])


def test_no_budget_means_no_limit() -> None:
    class Short(TextStage):
        name, version = "short", "1"

        def transform(self, text: str) -> str:
            time.sleep(0.05)
            return text

    pipe = Pipeline("t", "1", [DecodeStage(), Short()], budget=Budget(max_seconds=None, max_bytes=None))
    assert all(isinstance(i, Document) for i in pipe.run(_docs(["a", "b"])))


def test_budget_off_the_main_thread_is_checked_after_the_stage() -> None:
    # No timer can be armed outside the main thread: the stage runs to its end, then the
    # document is still rejected.
    class Pause(TextStage):
        name, version = "pause", "1"

        def transform(self, text: str) -> str:
            if "slow" in text:
                time.sleep(0.3)
            return text

    pipe = Pipeline("t", "1", [DecodeStage(), Pause()], budget=Budget(max_seconds=0.05, seconds_per_mb=0))
    result: list = []
    t = threading.Thread(target=lambda: result.extend(pipe.run(_docs(["fine", "slow"]))))
    t.start()
    t.join()
    assert [getattr(i, "reason", None) for i in result] == [None, "too_slow"]


def test_deadlines_nest_without_extending_the_outer_one() -> None:
    with pytest.raises(OverBudget):
        with deadline(0.05):
            with deadline(10):  # the inner block may not outlive the outer deadline
                time.sleep(STALL)
    with deadline(10):
        with pytest.raises(OverBudget):
            with deadline(0.01):
                time.sleep(STALL)
        time.sleep(0.02)  # the outer deadline is re-armed, not fired by the inner one


def test_too_large_document_is_a_reject_with_its_bytes() -> None:
    pipe = Pipeline("t", "1", [DecodeStage()], budget=Budget(max_bytes=100))
    big, small = "大" * 40, "小" * 30  # 120 and 90 bytes
    items = list(pipe.run(_docs([small, big])))
    assert isinstance(items[0], Document) and items[0].text == small
    rej = items[1]
    assert isinstance(rej, Reject)
    assert (rej.reason, rej.stage, rej.raw) == ("too_large", "budget", big.encode())
    assert "120 bytes" in rej.detail


def test_budget_is_part_of_the_pipeline_id() -> None:
    a = Pipeline("t", "1", [DecodeStage()])
    b = Pipeline("t", "1", [DecodeStage()], budget=Budget(max_seconds=5))
    assert a.id != b.id
    assert a.config()["budget"] == {"max_seconds": 60.0, "seconds_per_mb": 60.0, "max_bytes": 64 << 20}
    assert Budget().seconds_for(8 << 20) == pytest.approx(60 + 60 * 8.388608)
    assert Budget(max_seconds=None).seconds_for(10) is None


def test_run_with_workers_records_too_slow_rejects(tmp_path) -> None:
    inp = tmp_path / "in"
    inp.mkdir()
    for i in range(6):
        (inp / f"{i}.txt").write_text("slow text\n" if i == 3 else f"text {i}\n", encoding="utf-8")
    files = [SourceFile(str(p), p.stat().st_size, f"in/{p.name}") for p in sorted(inp.iterdir())]
    pipe = Pipeline("t", "1", [DecodeStage(), SleepOn()], budget=Budget(max_seconds=0.05, seconds_per_mb=0))
    out = tmp_path / "out"
    summary = run(pipe, files, str(out), workers=2, shard_max_files=2)
    assert summary.manifest["counts"]["reject_reasons"] == {"too_slow": 1}
    assert summary.manifest["counts"]["rows"] == 5
    rejects = pq.read_table(out / "rejects").to_pylist()
    assert [(r["source"], r["reason"], r["raw"]) for r in rejects] == [("in/3.txt", "too_slow", b"slow text\n")]
    manifest = json.loads((out / "_manifest.json").read_text())
    assert {e["source"]: e["status"] for e in manifest["inputs"]}["in/3.txt"] == "rejected"


def test_cli_budget_flags(tmp_path, capsys) -> None:
    from cleanse.cli import main

    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "a.txt").write_text("短文本。\n", encoding="utf-8")
    (inp / "b.txt").write_text("长" * 400 + "\n", encoding="utf-8")
    assert main(["run", "-i", str(inp), "-o", str(tmp_path / "out"), "-q", "-w", "1", "--doc-mb", "0.001"]) == 0
    manifest = json.loads((tmp_path / "out" / "_manifest.json").read_text())
    assert manifest["counts"]["reject_reasons"] == {"too_large": 1}
    assert manifest["pipeline"]["config"]["budget"] == {"max_seconds": 60.0, "seconds_per_mb": 60.0, "max_bytes": 1000}


# --- long single lines ------------------------------------------------------------------------
def _ranges(tmp_path, raw: bytes, chunk: int) -> list[tuple[int, int]]:
    p = tmp_path / "line.txt"
    p.write_bytes(raw)
    ranges = chunk_ranges(SourceBytes(str(p), len(raw)), chunk)
    assert ranges[0][0] == 0 and ranges[-1][1] == len(raw)
    assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:]))
    return ranges


@pytest.mark.parametrize("codec", ["utf-8", "utf-16-le", "utf-16-be", "gb18030", "gbk", "big5"])
def test_a_line_longer_than_a_chunk_is_cut_between_characters(tmp_path, codec) -> None:
    unit = "双鸭山市科信局，组织召开 2024 年科技工作会议。" if codec in ("gb18030", "gbk", "big5") \
        else "双鸭山市科信局组织召开科技工作会议😀"  # no ASCII at all in the UTF cases
    if codec == "big5":
        unit = "雙鴨山市科信局，組織召開 2024 年科技工作會議。"
    raw = (unit * 20_000).encode(codec)  # about 0.5-1 MB, one line
    chunk = 64 * 1024
    ranges = _ranges(tmp_path, raw, chunk)
    assert len(ranges) >= len(raw) // (2 * chunk)
    assert max(e - s for s, e in ranges) <= 2 * chunk + 4
    pieces = [raw[s:e].decode(codec) for s, e in ranges]  # strict: no character was cut
    assert "".join(pieces) == unit * 20_000


def test_a_legacy_line_without_a_safe_byte_stays_whole(tmp_path) -> None:
    # GBK with no byte below 0x30 anywhere: no place is known to be between two characters.
    raw = ("双鸭山市科信局组织召开科技工作会议" * 10_000).encode("gbk")
    assert _ranges(tmp_path, raw, 64 * 1024) == [(0, len(raw))]


def test_newlines_still_come_first(tmp_path) -> None:
    raw = ("第一行的文字。\n" * 30_000).encode("utf-8")
    for s, e in _ranges(tmp_path, raw, 64 * 1024):
        assert raw[e - 1 : e] == b"\n"


@settings(max_examples=40, deadline=None)
@example("gb18030", "1ééé符", 2000)  # four trail-range bytes in a row were taken for UTF-8 continuation bytes
@example("big5", "符", 2000)  # valid UTF-8 as well: read and cut as UTF-8
@given(st.sampled_from(["utf-8", "gb18030", "utf-16-le", "big5"]),
       st.text(alphabet="中文字符繁體。，「」 a1-\U0001f600\u00e9", min_size=1, max_size=40),
       st.integers(2_000, 6_000))
def test_any_long_line_is_cut_losslessly(tmp_path_factory, codec, unit, reps) -> None:
    text = unit * (reps // len(unit) + 1)
    raw = text.encode(codec, "replace")
    # the chunker cuts the way the decoder will read the file (a BOM-less UTF-16 it does not
    # recognise is read, and cut, as bytes)
    assume(code_unit_layout(raw[:65536]) == ("utf-16-le" if codec == "utf-16-le" else "bytes"))
    # Bytes the decoder reads as UTF-8 are cut as UTF-8: Big5 "符" x n is B2 C5 repeated, "Ų" x n
    # after a stray first byte (hypothesis found it). A cut inside a character would add a U+FFFD.
    utf8 = codec != "utf-16-le" and detect_and_decode(raw).encoding == "utf-8"
    read_as, errors = ("utf-8", "replace") if utf8 else (codec, "strict")
    p = tmp_path_factory.mktemp("l") / "x.txt"
    p.write_bytes(raw)
    ranges = chunk_ranges(SourceBytes(str(p), len(raw)), 1024)
    assert "".join(raw[s:e].decode(read_as, errors) for s, e in ranges) == raw.decode(read_as, errors)
