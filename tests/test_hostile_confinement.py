"""Output confinement (issue 16): nothing is written or deleted outside the output directory,
whatever symlinks are planted inside it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cleanse.cli import main
from cleanse.io.storage import OutsideOutput, Storage


def _inputs(tmp_path: Path) -> Path:
    inp = tmp_path / "in"
    inp.mkdir()
    for i in range(3):
        (inp / f"{i}.txt").write_text(f"第{i}篇文章的正文，内容完整。\n", encoding="utf-8")
    return inp


def _elsewhere(tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    d = tmp_path / "elsewhere"
    d.mkdir()
    files = {".part-00000.parquet.tmp-1-abcd": b"hidden", "part-00000.parquet": b"not yours", "keep.txt": b"mine"}
    for name, data in files.items():
        (d / name).write_bytes(data)
    return d, files


def _untouched(d: Path, files: dict[str, bytes]) -> bool:
    return {p.name: p.read_bytes() for p in d.iterdir()} == files


@pytest.mark.parametrize("folder", ["rejects", "documents", "_shards"])
def test_overwrite_with_a_planted_symlink_is_refused_and_deletes_nothing_outside(tmp_path, capsys, folder) -> None:
    inp, out = _inputs(tmp_path), tmp_path / "out"
    assert main(["run", "-i", str(inp), "-o", str(out), "-q", "-w", "1"]) == 0
    elsewhere, files = _elsewhere(tmp_path)
    target = out / folder
    for p in target.iterdir():
        p.unlink()
    target.rmdir()
    target.symlink_to(elsewhere, target_is_directory=True)
    capsys.readouterr()
    assert main(["run", "-i", str(inp), "-o", str(out), "-q", "-w", "1", "--overwrite"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "outside the output directory" in err and str(elsewhere) in err
    assert _untouched(elsewhere, files)


def test_resume_with_a_planted_symlink_is_refused(tmp_path, capsys) -> None:
    inp, out = _inputs(tmp_path), tmp_path / "out"
    assert main(["run", "-i", str(inp), "-o", str(out), "-q", "-w", "1"]) == 0
    elsewhere, files = _elsewhere(tmp_path)
    for p in (out / "rejects").iterdir():
        p.unlink()
    (out / "rejects").rmdir()
    (out / "rejects").symlink_to(elsewhere, target_is_directory=True)
    (out / "_shards" / "00000.json").unlink()  # the shard is redone: it would write its rejects there
    capsys.readouterr()
    assert main(["run", "-i", str(inp), "-o", str(out), "-q", "-w", "1"]) == 2
    assert "outside the output directory" in capsys.readouterr().err
    assert _untouched(elsewhere, files)


def test_storage_refuses_every_write_and_delete_through_a_link(tmp_path) -> None:
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (elsewhere / "x.json").write_text("{}")
    (out / "link").symlink_to(elsewhere, target_is_directory=True)
    s = Storage(str(out))
    for op in (lambda: s.write_json_atomic("link/y.json", {}), lambda: s.delete_file("link/x.json"),
               lambda: s.delete_dir("link"), lambda: s.makedirs("link/sub")):
        with pytest.raises(OutsideOutput):
            op()
    assert sorted(os.listdir(elsewhere)) == ["x.json"]
    # inside is fine, also when the output directory itself is reached through a symlink
    (tmp_path / "alias").symlink_to(out, target_is_directory=True)
    s2 = Storage(str(tmp_path / "alias"))
    s2.makedirs("documents")
    s2.write_json_atomic("documents/a.json", {"a": 1})
    assert (out / "documents" / "a.json").exists()
    s2.delete_file("link")  # a link itself may be deleted: only the link goes
    assert not (out / "link").exists() and (elsewhere / "x.json").exists()
