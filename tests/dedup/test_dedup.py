"""Dedup: planted exact and near duplicates through `cleanse run` and `cleanse dedup`."""

from __future__ import annotations

import os
import random

import numpy as np
import pyarrow.parquet as pq
import pytest

from cleanse import convert
from cleanse.cli import main
from cleanse.dedup import DedupConfig, DedupError, MinHashConfig, dedup_form, dedup_output, estimate, signatures
from cleanse.dedup import phase as phase_mod
from cleanse.dedup.clusters import KIND_EXACT, KIND_KEPT, KIND_NEAR, resolve

POEMS = open(os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "poetry_zh", "tang_1000.txt"), encoding="utf-8").read().split()


def _docs_dir(out: str) -> list[str]:
    d = os.path.join(out, "documents")
    if not os.path.isdir(d):
        d = out
    return sorted(os.path.join(d, f) for f in os.listdir(d) if f.startswith("part-"))


def _rows(out: str) -> list[dict]:
    return sorted(pq.ParquetDataset(_docs_dir(out)).read(columns=["id", "source", "text"]).to_pylist(), key=lambda r: r["source"])


def _dups(out: str) -> list[dict]:
    return pq.read_table(os.path.join(out, "duplicates")).to_pylist()


# --- units ------------------------------------------------------------------------------------
def test_form_folds_width_punctuation_space_and_case():
    assert dedup_form("ＡＢＣ１２３，“你好” 世界。\n\n第二行…") == dedup_form("abc123,\"你好\"世界.第二行...")
    assert dedup_form("你好世界") != dedup_form("你好世间")


def _jaccard(a: str, b: str, n: int) -> float:
    sa = {a[i:i + n] for i in range(len(a) - n + 1)}
    sb = {b[i:i + n] for i in range(len(b) - n + 1)}
    return len(sa & sb) / len(sa | sb)


@pytest.mark.parametrize("backend", ["rensa", "numpy"])
def test_signature_estimates_track_true_jaccard(backend):
    rng = random.Random(1)
    cfg = MinHashConfig(backend=backend, bands=32, rows=8)
    errors = []
    for _ in range(30):
        a = "".join(rng.sample(POEMS, 6))
        keep = rng.randint(0, len(a))
        b = a[:keep] + "".join(rng.sample(POEMS, 2))
        sig = signatures([dedup_form(a), dedup_form(b)], cfg)
        errors.append(abs(float(estimate(sig[0], sig[1])) - _jaccard(dedup_form(a), dedup_form(b), cfg.ngram)))
    # 256 permutations: standard error at most 0.031; the mean error is about 0.02.
    assert np.mean(errors) < 0.035 and max(errors) < 0.12


def test_short_and_empty_forms():
    sig = signatures(["", "猫", "猫", "狗"], MinHashConfig())
    assert (sig[0] == 0xFFFFFFFF).all()
    assert (sig[1] == sig[2]).all() and not (sig[1] == sig[3]).all()


def test_kept_document_is_the_lowest_rank_for_any_order():
    rng = random.Random(5)
    base = "".join(rng.sample(POEMS, 6))
    texts = [base, base + "。", base[: len(base) - 30] + POEMS[0], "".join(rng.sample(POEMS, 6))]
    from cleanse.dedup.phase import text_signatures

    cfg = DedupConfig(minhash=MinHashConfig(threshold=0.6))
    for perm in ([0, 1, 2, 3], [3, 2, 1, 0], [2, 0, 3, 1]):
        e, b, s = text_signatures([texts[i] for i in perm], cfg)
        rank = np.array(perm)  # the rank of a document is its index in `texts`
        res = resolve(rank, e, b, lambda o: s[o], 0.6)
        kept = {perm[i]: perm[int(res.kept_as[i])] for i in range(4)}
        kinds = {perm[i]: int(res.kind[i]) for i in range(4)}
        assert kept == {0: 0, 1: 0, 2: 0, 3: 3}
        assert kinds == {0: KIND_KEPT, 1: KIND_EXACT, 2: KIND_NEAR, 3: KIND_KEPT}


# --- the phase on a cleanse output --------------------------------------------------------------
def _article(rng: random.Random, k: int = 6) -> list[str]:
    return rng.sample(POEMS, k)


def _write_corpus(d: str) -> dict[str, str]:
    """Planted files; returns name -> the name of the file it duplicates ('' for originals)."""
    rng = random.Random(11)
    os.makedirs(d, exist_ok=True)
    truth: dict[str, str] = {}

    def put(name: str, text: str, dup_of: str = "") -> None:
        with open(os.path.join(d, name), "w", encoding="utf-8") as fh:
            fh.write(text)
        truth[name] = dup_of

    a = _article(rng)
    put("a0.txt", "\n".join(a))
    put("a1.txt", "\n\n".join(a).replace("，", ",").replace("。", ". ") + "\n", "a0.txt")  # exact (respelled)
    b = _article(rng, 8)
    put("b0.txt", "\n".join(b))
    put("b1.txt", "\n".join(b[:5] + [POEMS[-1]] + b[6:]), "b0.txt")  # one paragraph of 8 changed
    c = _article(rng, 7)
    put("c0.txt", "\n".join(["首页 > 唐诗 > 正文", *c, "版权所有 © 2024 诗词网"]))
    put("c1.txt", "\n".join(["当前位置：古诗文网", *c, "本文来源于网络"]), "c0.txt")  # other boilerplate
    e = _article(rng, 6)
    put("e0.txt", "\n".join(e))
    put("e1.txt", "\n".join(e[3:] + e[:3]), "e0.txt")  # reordered paragraphs
    f = _article(rng, 6)
    put("f0.txt", convert("\n".join(f), "s2t"))  # Traditional copy first: ranks lowest, is kept
    put("f1.txt", "\n".join(f), "f0.txt")
    # Non-duplicates sharing a long quotation (two poems, about a third of each text).
    quote = _article(rng, 2)
    put("q0.txt", "\n".join(_article(rng, 2) + quote + _article(rng, 2)))
    put("q1.txt", "\n".join(_article(rng, 2) + quote + _article(rng, 2)))
    for i in range(4):
        put(f"z{i}.txt", "\n".join(_article(rng, 5)))
    return truth


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    d = str(tmp_path_factory.mktemp("dedup_in"))
    return d, _write_corpus(d)


def _run(src: str, out: str, *extra: str) -> None:
    assert main(["run", "--input", src, "--output", out, "-q", "--shard-files", "4", *extra]) == 0


def test_planted_duplicates_are_found_and_kept_rows_are_the_originals(corpus, tmp_path):
    src, truth = corpus
    out = str(tmp_path / "out")
    _run(src, out, "--workers", "1", "--dedup")
    rows = _rows(out)
    kept = {os.path.basename(r["source"]) for r in rows}
    assert kept == {n for n, dup in truth.items() if not dup}
    by_id = {r["id"]: os.path.basename(r["source"]) for r in rows}
    dups = _dups(out)
    assert {os.path.basename(d["source"]): by_id[d["duplicate_of"]] for d in dups} == \
        {n: dup for n, dup in truth.items() if dup}
    kinds = {os.path.basename(d["source"]): d["kind"] for d in dups}
    assert kinds["a1.txt"] == "exact" and kinds["f1.txt"] == "exact"
    assert kinds["b1.txt"] == kinds["e1.txt"] == "near"
    assert kinds["c1.txt"] in ("exact", "near")  # exact when the pipeline already removed both chromes
    # The dropped row is whole: text and provenance.
    d = next(d for d in dups if d["source"].endswith("b1.txt"))
    assert d["text"].startswith(POEMS[0][:0]) and d["byte_end"] > 0 and d["stages"]
    assert 0.6 <= d["similarity"] < 1.0
    sizes = pq.ParquetDataset(_docs_dir(out)).read(columns=["source", "signals"]).to_pylist()
    size = {os.path.basename(r["source"]): r["signals"]["dup_cluster_size"] for r in sizes}
    assert size["a0.txt"] == 2 and size["z0.txt"] is None


def test_same_result_for_one_and_two_workers_and_rerun(corpus, tmp_path):
    src, _ = corpus
    outs = []
    for w in ("1", "2"):
        out = str(tmp_path / f"out{w}")
        _run(src, out, "--workers", w)
        assert main(["dedup", out, "-q", "--workers", w]) == 0
        outs.append(out)
    assert _rows(outs[0]) == _rows(outs[1])
    key = lambda d: d["id"]  # noqa: E731
    assert sorted(_dups(outs[0]), key=key) == sorted(_dups(outs[1]), key=key)
    before = _rows(outs[0])
    assert main(["dedup", outs[0], "-q"]) == 0  # done: a no-op
    assert _rows(outs[0]) == before


def test_other_configuration_is_refused(corpus, tmp_path):
    src, _ = corpus
    out = str(tmp_path / "out")
    _run(src, out, "--workers", "1", "--dedup")
    with pytest.raises(DedupError):
        dedup_output(out, DedupConfig(minhash=MinHashConfig(threshold=0.9)))
    assert main(["dedup", out, "-q", "--threshold", "0.9"]) == 2


def test_not_a_finished_output(tmp_path):
    with pytest.raises(DedupError):
        dedup_output(str(tmp_path))


@pytest.mark.parametrize("fail_at", ["signatures", "apply"])
def test_killed_dedup_resumes_to_the_same_result(corpus, tmp_path, monkeypatch, fail_at):
    src, _ = corpus
    ref = str(tmp_path / "ref")
    _run(src, ref, "--workers", "1", "--dedup")
    out = str(tmp_path / "out")
    _run(src, out, "--workers", "1")
    calls = {"n": 0}
    name = "compute_part_signatures" if fail_at == "signatures" else "apply_part"
    real = getattr(phase_mod, name)

    def dying(*a, **k):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt("killed")
        return real(*a, **k)

    monkeypatch.setattr(phase_mod, name, dying)
    with pytest.raises(KeyboardInterrupt):
        dedup_output(out)
    monkeypatch.setattr(phase_mod, name, real)
    dedup_output(out)
    assert _rows(out) == _rows(ref)
    key = lambda d: d["id"]  # noqa: E731
    assert sorted(_dups(out), key=key) == sorted(_dups(ref), key=key)


def test_apply_killed_between_its_two_writes_loses_nothing(corpus, tmp_path, monkeypatch):
    src, _ = corpus
    ref = str(tmp_path / "ref")
    _run(src, ref, "--workers", "1", "--dedup")
    out = str(tmp_path / "out")
    _run(src, out, "--workers", "1")
    real = phase_mod.Storage.write_json_atomic

    def no_marker(self, rel, data, indent=2):
        if "/applied/" in rel:
            raise KeyboardInterrupt("killed before the marker")
        return real(self, rel, data, indent)

    monkeypatch.setattr(phase_mod.Storage, "write_json_atomic", no_marker)
    with pytest.raises(KeyboardInterrupt):
        dedup_output(out)
    monkeypatch.setattr(phase_mod.Storage, "write_json_atomic", real)
    dedup_output(out)
    assert _rows(out) == _rows(ref)
    assert len(_dups(out)) == len(_dups(ref))


@pytest.mark.parametrize("folder", ["documents", "_dedup"])
def test_a_planted_symlink_is_refused_before_anything_is_written_there(corpus, tmp_path, capsys, folder):
    """The phase's Parquet files are confined to OUT as every other write (issue 16): with
    `OUT/<folder> -> elsewhere` the phase stops with one line, and nothing in elsewhere is
    written, not even a temporary file (it was: the document parts' rewrite and
    `_dedup/repeated_lines.parquet` wrote their temporary file through the link)."""
    import shutil

    src, _ = corpus
    out = tmp_path / "out"
    _run(src, str(out), "--workers", "1")
    elsewhere = tmp_path / "elsewhere"
    if folder == "documents":
        shutil.move(str(out / folder), str(elsewhere))
    else:
        elsewhere.mkdir()
    (out / folder).symlink_to(elsewhere, target_is_directory=True)
    before = {p: open(os.path.join(elsewhere, p), "rb").read() for p in os.listdir(elsewhere)}
    capsys.readouterr()
    assert main(["dedup", str(out), "-q", "--workers", "1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "outside the output directory" in err
    assert {p: open(os.path.join(elsewhere, p), "rb").read() for p in os.listdir(elsewhere)} == before


def _codecs_and_groups(path: str) -> tuple[set[str], list[int]]:
    md = pq.read_metadata(path)
    codecs = {md.row_group(g).column(c).compression for g in range(md.num_row_groups) for c in range(md.num_columns)}
    return codecs, [md.row_group(g).num_rows for g in range(md.num_row_groups)]


def test_dedup_rewrites_with_the_run_writer_options(corpus, tmp_path):
    """The parts the phase rewrites (repeated lines, then kept rows) and the duplicates files it
    writes keep the run's codec, row-group size and column selection (issue 14: they were
    rewritten as zstd in one row group, with a `signals` column added)."""
    src, truth = corpus
    plain, opts = str(tmp_path / "plain"), str(tmp_path / "opts")
    _run(src, plain, "--workers", "1", "--dedup")
    _run(src, opts, "--workers", "1", "--dedup", "--compression", "gzip", "--compression-level", "9",
         "--row-group-rows", "2", "--columns", "text,source,segment")
    parts = _docs_dir(opts)
    dup_files = sorted(os.path.join(opts, "duplicates", f) for f in os.listdir(os.path.join(opts, "duplicates")))
    assert parts and dup_files
    written = [p for p in parts + dup_files if pq.read_metadata(p).num_rows]  # (an empty file has no row group)
    assert set(parts) <= set(written) and len(written) > len(parts)
    for path in written:
        codecs, groups = _codecs_and_groups(path)
        assert codecs == {"GZIP"}, path
        assert max(groups) <= 2, (path, groups)
    for path in parts:
        assert pq.read_schema(path).names == ["id", "text", "source", "segment"]  # no `signals` column added
    assert pq.read_schema(dup_files[0]).names == ["id", "duplicate_of", "similarity", "kind", "text", "source",
                                                  "segment"]
    assert all(_codecs_and_groups(p)[0] == {"ZSTD"} for p in _docs_dir(plain))
    # The same rows and duplicates as the default options give.
    assert _rows(opts) == _rows(plain)
    assert sorted((d["id"], d["duplicate_of"]) for d in _dups(opts)) == \
        sorted((d["id"], d["duplicate_of"]) for d in _dups(plain))
    assert len(_dups(opts)) == sum(1 for dup in truth.values() if dup)


def test_dedup_without_the_columns_it_reads_is_one_line(corpus, tmp_path, capsys):
    src, _ = corpus
    out = str(tmp_path / "out")
    assert main(["run", "--input", src, "--output", out, "-q", "--dedup", "--columns", "text"]) == 2
    err = capsys.readouterr().err
    assert "--dedup needs the document column(s) source, segment" in err and err.count("\n") == 1
    assert not os.path.exists(out)  # refused before anything is written
    _run(src, out, "--columns", "text")
    assert main(["dedup", out, "-q"]) == 2
    err = capsys.readouterr().err
    assert "lack the column(s) source, segment that dedup needs" in err and err.count("\n") == 1


def test_rewrite_keeps_each_row_group_boundary():
    from cleanse.dedup.parts import rewrite_groups

    keep = np.array([1, 0, 1, 0, 0, 1, 1, 1, 0], bool)
    assert rewrite_groups([3, 2, 4], keep) == [2, 3]  # the second group lost both rows
    assert rewrite_groups([3, 2, 4], ~keep) == [1, 2, 1]
    assert rewrite_groups([], np.zeros(0, bool)) == []
