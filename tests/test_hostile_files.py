"""Hostile input files (issue 16, item 3): non-UTF-8 names, unreadable files at any size,
skipped directory entries counted, files that change while they are read."""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from cleanse import DecodeStage, Pipeline, TextStage
from cleanse.executors.local import run
from cleanse.io.sources import escape_name, expand_inputs, unescape_name
from tests.ops_inputs import read_rows

GBK_NAME = "中文名.txt".encode("gbk")  # not UTF-8: Python sees it as lone surrogates


def _manifest(out: Path) -> dict:
    return json.loads((out / "_manifest.json").read_text(encoding="utf-8"))


def _lines(n: int, tag: str = "行") -> bytes:
    return "".join(f"第{i}{tag}，完整的一句正文。\n" for i in range(n)).encode("utf-8")


# --- names ------------------------------------------------------------------------------------
@given(st.binary(min_size=1, max_size=40))
def test_escaped_names_are_utf8_and_give_the_bytes_back(raw: bytes) -> None:
    name = os.fsdecode(raw)
    shown = escape_name(name)
    shown.encode("utf-8")  # always writable to Parquet and JSON
    assert unescape_name(shown) == raw  # lossless, hence two names never escape alike


def test_utf8_names_without_a_backslash_are_unchanged() -> None:
    assert escape_name("中文/第1篇.txt") == "中文/第1篇.txt"
    assert escape_name(os.fsdecode(GBK_NAME)) == "\\xd6\\xd0\\xce\\xc4\\xc3\\xfb.txt"
    assert escape_name("a\\xd6.txt") == "a\\\\xd6.txt"  # a real backslash is doubled: no clash


def test_a_gbk_file_name_is_a_row_with_its_name_escaped_and_resumes(tmp_path: Path) -> None:
    inp = tmp_path / "in"
    inp.mkdir()
    (inp / os.fsdecode(GBK_NAME)).write_bytes(_lines(2))
    (inp / "b.txt").write_bytes(_lines(1, "句"))
    pipe = Pipeline("t", "1", [DecodeStage()])
    out = tmp_path / "out"
    summary = run(pipe, expand_inputs([str(inp)]), str(out))  # was: UnicodeEncodeError, no output
    assert summary.manifest["counts"]["rows"] == 2
    rows = read_rows(out)
    assert [r["source"] for r in rows] == ["in/\\xd6\\xd0\\xce\\xc4\\xc3\\xfb.txt", "in/b.txt"]
    assert unescape_name(rows[0]["source"]) == b"in/" + GBK_NAME
    entry = _manifest(out)["inputs"][0]
    assert unescape_name(entry["path"]) == os.fsencode(str(inp)) + b"/" + GBK_NAME
    again = run(pipe, expand_inputs([str(inp)]), str(out))
    assert again.skipped_shards == 1 and read_rows(out) == rows


# --- entries of an input directory that are not read ----------------------------------------
def test_unreadable_directories_and_skipped_symlinks_are_counted(tmp_path: Path, monkeypatch, caplog) -> None:
    inp = tmp_path / "in"
    (inp / "locked").mkdir(parents=True)
    (inp / "locked" / "x.txt").write_bytes(_lines(1))
    (inp / "a.txt").write_bytes(_lines(1))
    (tmp_path / "secret.txt").write_text("not an input")
    (inp / "link.txt").symlink_to(tmp_path / "secret.txt")
    locked = str(inp / "locked")
    real_scandir = os.scandir

    def scandir(path=".", *a):  # root reads any directory: refuse this one as chmod 0 would
        if os.fspath(path) == locked:
            raise PermissionError(errno.EACCES, "Permission denied", locked)
        return real_scandir(path, *a)

    monkeypatch.setattr(os, "scandir", scandir)
    with caplog.at_level(logging.WARNING, logger="cleanse.inputs"):
        files = expand_inputs([str(inp)])
    assert [f.name for f in files] == ["in/a.txt"]
    assert [(s["path"], s["reason"]) for s in files.skipped] == [
        (str(inp / "link.txt"), "symlink_outside_root"), (locked, "unreadable_directory")]
    assert "not readable" in caplog.text and "out of the input root" in caplog.text
    out = tmp_path / "out"
    run(Pipeline("t", "1", [DecodeStage()]), files, str(out))
    manifest = _manifest(out)
    assert manifest["counts"]["inputs_skipped"] == 2
    assert [s["reason"] for s in manifest["skipped_inputs"]] == ["symlink_outside_root", "unreadable_directory"]


def test_the_cli_ends_with_a_warning_line_for_skipped_entries(tmp_path: Path) -> None:
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent

    def main(argv: list[str]) -> int:
        r = subprocess.run([sys.executable, "-m", "cleanse.cli", *argv], cwd=root, capture_output=True, text=True,
                           timeout=300, env={**os.environ, "PYTHONPATH": str(root)})
        main.err = r.stderr  # type: ignore[attr-defined]
        return r.returncode

    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "a.txt").write_bytes(_lines(3))
    (tmp_path / "secret.txt").write_text("not an input")
    (inp / "link.txt").symlink_to(tmp_path / "secret.txt")
    assert main(["run", "-i", str(inp), "-o", str(tmp_path / "out"), "-q", "-w", "1"]) == 0
    err = main.err  # type: ignore[attr-defined]
    assert "1 entries of the input directories were not read" in err and "skipped_inputs" in err
    assert main(["run", "-i", str(inp), "-o", str(tmp_path / "followed"), "-q", "-w", "1", "--follow-symlinks"]) == 0
    assert _manifest(tmp_path / "followed")["counts"]["inputs_skipped"] == 0
    assert {e["source"] for e in _manifest(tmp_path / "followed")["inputs"]} == {"in/a.txt", "in/link.txt"}


# --- unreadable files, at any size -------------------------------------------------------------
@pytest.mark.parametrize("size", ["small", "chunked", "jsonl", "jsonl_after_its_head"])
def test_an_unreadable_file_is_a_reject_at_any_size(tmp_path: Path, monkeypatch, size: str) -> None:
    """Unreadable from the start, or (a record file) only after its first bytes were sniffed."""
    import cleanse.io.readers.files as files_mod

    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "a.txt").write_bytes(_lines(2))
    big = _lines(400_000) if size == "chunked" else _lines(3)  # 400k lines: over 8 MiB, the chunked reader
    assert (len(big) > 8 << 20) == (size == "chunked")
    name = "locked.jsonl" if size.startswith("jsonl") else "locked.txt"
    if size.startswith("jsonl"):
        big = b"".join(json.dumps({"text": line}, ensure_ascii=False).encode() + b"\n"
                       for line in big.decode().splitlines())
    (inp / name).write_bytes(big)
    locked = str(inp / name)
    real_open = os.open
    opens = []

    def os_open(path, flags, *a, **k):  # as chmod 0 would for a non-root user
        if os.fspath(path) == locked:
            opens.append(path)
            if size != "jsonl_after_its_head" or len(opens) > 1:
                raise PermissionError(errno.EACCES, "Permission denied", locked)
        return real_open(path, flags, *a, **k)

    monkeypatch.setattr(files_mod.os, "open", os_open)
    out = tmp_path / "out"
    summary = run(Pipeline("t", "1", [DecodeStage()]), expand_inputs([str(inp)]), str(out))
    assert summary.manifest["counts"]["reject_reasons"] == {"unreadable": 1}
    [reject] = read_rows(out, "rejects")
    assert (reject["source"], reject["reason"]) == (f"in/{name}", "unreadable")
    assert "PermissionError" in reject["detail"]
    assert [r["source"] for r in read_rows(out)] == ["in/a.txt"]
    assert size != "jsonl_after_its_head" or len(opens) >= 2  # its head was read, then the record pass failed


@pytest.mark.parametrize("chunk_bytes", [None, 1000])
def test_a_file_deleted_after_listing_is_a_reject(tmp_path: Path, chunk_bytes: int | None) -> None:
    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "a.txt").write_bytes(_lines(2))
    (inp / "gone.txt").write_bytes(_lines(200))  # 7 KB: chunked when chunk_bytes is 1000
    files = expand_inputs([str(inp)])
    (inp / "gone.txt").unlink()
    out = tmp_path / "out"
    kw = {} if chunk_bytes is None else {"chunk_bytes": chunk_bytes}
    summary = run(Pipeline("t", "1", [DecodeStage()]), files, str(out), **kw)  # chunked: was FileNotFoundError
    assert summary.manifest["counts"]["reject_reasons"] == {"unreadable": 1}
    assert [r["reason"] for r in read_rows(out, "rejects")] == ["unreadable"]


# --- files that change while they are read ----------------------------------------------------
class _Meddle(TextStage):
    """A stage that changes an input file (append, truncate, rewrite, delete) the first `times`
    times it sees a text holding `word`: the file changes while the reader is in it."""

    name, version = "meddle", "1"

    def __init__(self, path: Path, action: str, times: int, word: str = "第0行"):
        self.path, self.action, self.times, self.word, self.seen = path, action, times, word, 0

    def transform(self, text: str) -> str:
        if self.word in text and self.seen < self.times:
            self.seen += 1
            if self.action == "append":
                with open(self.path, "ab") as fh:
                    fh.write(_lines(30, "新"))
            elif self.action == "truncate":
                data = self.path.read_bytes()
                os.truncate(self.path, data.rindex(b"\n", 0, len(data) // 3) + 1)  # whole lines
            elif self.action == "rewrite":  # same size, other bytes
                data = self.path.read_bytes()
                self.path.write_bytes(data.replace("完整".encode(), "改过".encode()))
            elif self.action == "delete":
                self.path.unlink()
        return text


def _changing_run(tmp_path: Path, action: str, times: int, chunk_bytes: int = 1000):
    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "a.txt").write_bytes(_lines(2, "句"))
    target = inp / "b.txt"
    target.write_bytes(_lines(200))  # 7 KB: 7 chunks of 1000 bytes, or one document
    out = tmp_path / "out"
    pipe = Pipeline("t", "1", [DecodeStage(), _Meddle(target, action, times)], batch_docs=1)
    summary = run(pipe, expand_inputs([str(inp)]), str(out), chunk_bytes=chunk_bytes)
    return target, out, summary


def _entry(out: Path, source: str) -> dict:
    return next(e for e in _manifest(out)["inputs"] if e["source"] == source)


@pytest.mark.parametrize("action", ["append", "truncate", "rewrite"])
def test_a_chunked_file_that_changes_once_is_read_again_whole(tmp_path: Path, action: str) -> None:
    target, out, summary = _changing_run(tmp_path, action, times=1)
    final = target.read_bytes()
    entry = _entry(out, "in/b.txt")
    # the recorded rows, byte count and SHA-256 are all of the file as it is now
    assert entry["bytes"] == len(final) and entry["sha256"] == hashlib.sha256(final).hexdigest()
    rows = [r for r in read_rows(out) if r["source"] == "in/b.txt"]
    assert (rows[0]["byte_start"], rows[-1]["byte_end"]) == (0, len(final))
    assert all(a["byte_end"] == b["byte_start"] for a, b in zip(rows, rows[1:]))
    assert "".join(r["text"] for r in rows).encode() == final
    assert summary.manifest["counts"]["rejects"] == 0


@pytest.mark.parametrize("action", ["append", "truncate"])
def test_a_chunked_file_that_keeps_changing_is_a_reject(tmp_path: Path, action: str) -> None:
    from cleanse.executors.shards import CHANGE_REREADS

    _, out, summary = _changing_run(tmp_path, action, times=99)
    assert summary.manifest["counts"]["reject_reasons"] == {"changed_while_read": 1}
    [reject] = read_rows(out, "rejects")
    assert (reject["source"], reject["reason"]) == ("in/b.txt", "changed_while_read")
    assert f"({CHANGE_REREADS + 1} reads)" in reject["detail"]
    assert [r["source"] for r in read_rows(out)] == ["in/a.txt"]  # the other file of the shard is kept
    assert _entry(out, "in/b.txt")["status"] == "rejected"


def test_a_chunked_file_deleted_while_read_is_read_whole_from_its_descriptor(tmp_path: Path) -> None:
    original = _lines(200)
    _, out, summary = _changing_run(tmp_path, "delete", times=1)
    rows = [r for r in read_rows(out) if r["source"] == "in/b.txt"]
    assert "".join(r["text"] for r in rows).encode() == original  # was: FileNotFoundError on the next chunk
    assert _entry(out, "in/b.txt")["sha256"] == hashlib.sha256(original).hexdigest()


def test_a_small_file_growing_while_read_is_read_again(tmp_path: Path, monkeypatch) -> None:
    import cleanse.io.readers.files as files_mod
    from cleanse.io.readers.files import read_source
    from cleanse.io.sources import SourceFile

    path = tmp_path / "a.txt"
    path.write_bytes(_lines(3))
    real = files_mod.file_version
    calls = {"n": 0}

    def version(fh):  # the file grows between the first read's two fstat calls
        calls["n"] += 1
        if calls["n"] == 2:
            with open(path, "ab") as out:
                out.write(_lines(2, "新"))
        return real(fh)

    monkeypatch.setattr(files_mod, "file_version", version)
    doc = read_source(SourceFile(str(path), 0))
    assert doc.raw == path.read_bytes() and doc.source_sha256 == hashlib.sha256(doc.raw).hexdigest()
    assert calls["n"] == 4  # read twice

    def always(fh):
        with open(path, "ab") as out:
            out.write(b"x\n")
        return real(fh)

    monkeypatch.setattr(files_mod, "file_version", always)
    reject = read_source(SourceFile(str(path), 0))
    assert reject.reason == "changed_while_read" and reject.raw == b""


def test_a_record_file_that_grows_while_read_is_read_again(tmp_path: Path) -> None:
    inp = tmp_path / "in"
    inp.mkdir()
    target = inp / "b.jsonl"
    target.write_text("".join(json.dumps({"text": f"第{i}行，完整的一句正文。"}, ensure_ascii=False) + "\n"
                              for i in range(5)), encoding="utf-8")

    class Grow(_Meddle):
        def transform(self, text: str) -> str:
            if self.word in text and self.seen < self.times:
                self.seen += 1
                with open(self.path, "a", encoding="utf-8") as fh:
                    fh.write(json.dumps({"text": "新的一行，完整的一句正文。"}, ensure_ascii=False) + "\n")
            return text

    out = tmp_path / "out"
    pipe = Pipeline("t", "1", [DecodeStage(), Grow(target, "append", 1)], batch_docs=1)
    run(pipe, expand_inputs([str(inp)]), str(out))
    final = target.read_bytes()
    entry = _entry(out, "in/b.jsonl")
    assert entry["bytes"] == len(final) and entry["sha256"] == hashlib.sha256(final).hexdigest()
    assert entry["records"] == 6 and len(read_rows(out)) == 6
