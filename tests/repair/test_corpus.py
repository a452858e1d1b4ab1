"""Zero changes by the repair stages on real clean text of several genres (issue 11).

The sample (tests/data/clean_corpus, README there) comes from public sources nobody here
wrote: classical prose and poetry in both scripts, PRC laws with fullwidth digits and Latin,
technical writing with code and URLs, conversational text, colloquial Cantonese (HKCanCor,
UD_Cantonese-HK), Hong Kong / Taiwan text (UD_Chinese-HK, cc0-sentences), and Wikipedia in both
scripts, translated news, learner essays and unpunctuated classical Chinese (UD_Chinese-GSD,
-GSDSimp, -PUD, -CFL, UD_Classical_Chinese-Kyoto). Each change is a failure that shows the stage,
the span and the document.
"""

import json
from collections import defaultdict
from pathlib import Path

import pytest

from cleanse.repair import fix_text_zh, repair_mojibake, strip_ruby

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "clean_corpus" / "sample.jsonl"


def _by_genre() -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    for line in SAMPLE.read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        out[d["genre"]].append(d)
    return out


GENRES = _by_genre()


def test_sample_covers_the_genres():
    assert {"classical_prose_hant", "classical_prose_hans", "poetry_hant", "poetry_hans", "legal_hans",
            "tech_hans", "chat", "cantonese_hkcancor", "cantonese_ud", "zh_hk_ud", "zh_tw_colloquial",
            "wiki_hant_ud", "wiki_hans_ud", "news_pud", "learner_ud", "classical_kyoto_ud"} <= set(GENRES)
    assert sum(len(d["text"].encode()) for ds in GENRES.values() for d in ds) > 500_000


@pytest.mark.parametrize("genre", sorted(GENRES))
def test_no_change_on_clean_text(genre):
    changes = []
    for d in GENRES[genre]:
        text = d["text"]
        for fn in (fix_text_zh, repair_mojibake, strip_ruby):
            e = fn(text)
            if e.text != text or e.repairs or e.removed:
                changes.append((d["source"], fn.__name__, [r[:3] for r in e.repairs[:3]], e.removed[:3]))
    assert changes == []
