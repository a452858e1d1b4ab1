"""Hostile inputs (issue 16): only regular files are read, symlinks stay in the input root."""

from __future__ import annotations

import logging
import os
import socket

import pytest

from cleanse.document import Document, Reject
from cleanse.io.readers.files import read_source
from cleanse.io.sources import SourceFile, expand_inputs


def test_fifo_is_a_reject_not_a_hang(tmp_path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)  # no writer: a plain open() blocks forever
    item = read_source(SourceFile(str(fifo), 0))
    assert isinstance(item, Reject) and item.reason == "not_regular_file" and "FIFO" in item.detail


def test_device_through_a_symlink_is_a_reject(tmp_path) -> None:
    link = tmp_path / "zero.txt"
    link.symlink_to("/dev/zero")  # read until MemoryError before
    item = read_source(SourceFile(str(link), 0))
    assert isinstance(item, Reject) and item.reason == "not_regular_file" and "device" in item.detail


def test_socket_is_a_reject(tmp_path) -> None:
    path = tmp_path / "s.txt"
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(path))
        item = read_source(SourceFile(str(path), 0))
    finally:
        sock.close()
    assert isinstance(item, Reject)


def test_regular_file_is_read(tmp_path) -> None:
    (tmp_path / "a.txt").write_bytes("中文\n".encode())
    item = read_source(SourceFile(str(tmp_path / "a.txt"), 0))
    assert isinstance(item, Document) and item.raw == "中文\n".encode()


def test_symlink_out_of_the_root_is_skipped_with_a_warning(tmp_path, caplog) -> None:
    root = tmp_path / "in"
    root.mkdir()
    (root / "a.txt").write_text("甲")
    secret = tmp_path / "secret.txt"
    secret.write_text("not an input")
    (root / "page.txt").symlink_to(secret)
    (root / ".target.txt").write_text("乙")  # hidden, so only the link names it (a link to a.txt
    (root / "inner.txt").symlink_to(root / ".target.txt")  # would be the same file, read once): read
    with caplog.at_level(logging.WARNING, logger="cleanse.inputs"):
        paths = [os.path.basename(f.path) for f in expand_inputs([str(root)])]
    assert paths == ["a.txt", "inner.txt"]
    assert "page.txt" in caplog.text and "out of the input root" in caplog.text
    assert [os.path.basename(f.path) for f in expand_inputs([str(root)], follow_symlinks=True)] == [
        "a.txt", "inner.txt", "page.txt"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any directory")
def test_unreadable_directory_is_a_warning(tmp_path, caplog) -> None:
    root = tmp_path / "in"
    (root / "locked").mkdir(parents=True)
    (root / "locked" / "x.txt").write_text("乙")
    (root / "a.txt").write_text("甲")
    os.chmod(root / "locked", 0)
    try:
        with caplog.at_level(logging.WARNING, logger="cleanse.inputs"):
            files = expand_inputs([str(root)])
    finally:
        os.chmod(root / "locked", 0o755)
    assert [os.path.basename(f.path) for f in files] == ["a.txt"]
    assert "not readable" in caplog.text


def test_report_escapes_terminal_controls() -> None:
    from cleanse.report import escape_controls

    hostile = "标题\x1b]0;owned\x07\x1b[2J\u202e文本"
    shown = escape_controls(hostile + "\n下一行")
    assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown
    assert shown == "标题\\x1b]0;owned\\x07\\x1b[2J\\u202e文本\n下一行"


def test_a_run_over_a_directory_with_a_fifo_finishes(tmp_path) -> None:
    # The default reader (CrawlReader) sniffs every file's head first: that open blocked forever.
    import json
    import subprocess
    import sys
    from pathlib import Path

    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "a.txt").write_text("正文内容，完整的一句话。\n", encoding="utf-8")
    os.mkfifo(inp / "pipe.txt")
    root = Path(__file__).resolve().parent.parent
    r = subprocess.run([sys.executable, "-m", "cleanse.cli", "run", "-i", str(inp), "-o", str(tmp_path / "out"), "-q",
                        "-w", "1"], cwd=root, capture_output=True, text=True, timeout=300,
                       env={**os.environ, "PYTHONPATH": str(root)})
    assert r.returncode == 0, r.stderr
    manifest = json.loads((tmp_path / "out" / "_manifest.json").read_text())
    fates = {e["source"]: (e["status"], [x["reason"] for x in e["rejects"]]) for e in manifest["inputs"]}
    assert fates == {"in/a.txt": ("rows", []), "in/pipe.txt": ("rejected", ["not_regular_file"])}
