"""The legacy-Chinese fast path of `detect_and_decode` against the plain path (chardet and the
competition of codecs), on 2 KB pages that carry damage, as a crawl has them."""

from __future__ import annotations

import json
import random

import chardet
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleanse.decoding import detect, detect_and_decode
from tests.repair_damage import PIPELINE_DAMAGE, ROOT, damaged_paragraph


def _paragraphs() -> dict[str, list[str]]:
    by_genre: dict[str, list[str]] = {}
    with open(ROOT / "tests" / "data" / "clean_corpus" / "sample.jsonl", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            by_genre.setdefault(d["genre"], []).extend(p for p in d["text"].splitlines() if len(p) >= 10)
    return by_genre


def damaged_pages(n: int, seed: int = 11) -> list[tuple[str, bytes]]:
    """`n` pages of about 2 KB of one genre, one paragraph damaged (PIPELINE_DAMAGE) or a
    U+FFFD set in, encoded in GB18030 or (when it can be) cp950."""
    rng = random.Random(seed)
    by_genre = _paragraphs()
    genres = sorted(by_genre)
    kinds = sorted(PIPELINE_DAMAGE)
    pages = []
    while len(pages) < n:
        paras = by_genre[rng.choice(genres)]
        page: list[str] = []
        while sum(len(p.encode("utf-8")) + 1 for p in page) < 2000:
            page.append(rng.choice(paras))
        j = rng.randrange(len(page))
        kind = rng.choice(kinds + ["fffd"])
        try:
            bad = page[j][:5] + "\ufffd" + page[j][5:] if kind == "fffd" else damaged_paragraph(kind, page[j], rng)
        except IndexError:  # a paragraph without a two-byte character to lose a lead byte of
            continue
        if bad is None:
            continue
        page[j] = bad
        text = "\n".join(page) + "\n"
        codec = rng.choice(["gb18030", "cp950"])
        try:
            pages.append((kind, text.encode(codec)))
        except UnicodeError:
            pages.append((kind, text.encode("gb18030")))
    return pages


PAGES = damaged_pages(150)


@pytest.fixture
def chardet_calls(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    calls: list[bytes] = []
    real = chardet.detect

    def counting(sample: bytes) -> dict:
        calls.append(sample)
        return real(sample)

    monkeypatch.setattr(detect.chardet, "detect", counting)
    return calls


def test_fast_path_decodes_damaged_pages_as_the_plain_path(monkeypatch: pytest.MonkeyPatch,
                                                           chardet_calls: list[bytes]) -> None:
    fast = [detect_and_decode(raw) for _, raw in PAGES]
    fast_calls = len(chardet_calls)
    # The plain path: no fast path at all (every page goes to chardet and the competition).
    monkeypatch.setattr(detect, "FAST_PLAUSIBLE", 2.0)
    monkeypatch.setattr(detect, "FAST_PLAUSIBLE_DAMAGED", 2.0)
    plain = [detect_and_decode(raw) for _, raw in PAGES]
    assert len(chardet_calls) - fast_calls == len(PAGES)
    for (kind, _), a, b in zip(PAGES, fast, plain):
        assert (a.text, a.encoding, a.undecodable_bytes, a.reject) == (b.text, b.encoding, b.undecodable_bytes,
                                                                       b.reject), kind
    # ... and the fast path does decide most of them (before this, pages with a damaged
    # paragraph mostly went to chardet).
    assert fast_calls <= len(PAGES) // 5  # 14 of 150 (before: 104)


def test_a_replacement_character_of_the_text_is_not_an_undecodable_byte(chardet_calls: list[bytes]) -> None:
    text = "我们今天去北京，看到了很多新的东西。" * 20 + "\ufffd旧文件里的问号\ufffd\ufffd。\n"
    raw = text.encode("gb18030")
    got = detect_and_decode(raw)
    assert (got.text, got.encoding, got.undecodable_bytes) == (text, "gb18030", 0)
    assert chardet_calls == []  # U+FFFD is GB18030's 84 31 A4 37: no error, the fast path decides
    assert detect._score(raw, "gb18030", False).errors == 3  # what the U+FFFD count alone says


def _few_damaged_places_plain(text: str) -> bool:
    places = len(detect._DAMAGE.findall(text))
    multibyte = sum(1 for c in text if c > "\x7f") - text.count("\ufffd")
    return multibyte >= detect.MOSTLY_VALID_MIN and places * detect.MOSTLY_VALID_RATIO <= multibyte


@given(st.text(alphabet=st.sampled_from("ab \n\x7f\x80é中文\ufffd\U0001f600"), max_size=400))
def test_few_damaged_places_counts_as_the_plain_definition(text: str) -> None:
    assert detect._few_damaged_places(text) == _few_damaged_places_plain(text)
