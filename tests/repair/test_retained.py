"""cjk_mojibake keeps nothing of a document once it has returned: a worker cleans millions of
documents, and a memo keyed on whole texts (the writer's-marks count was an lru_cache of 16
texts) keeps the last ones alive, 16 MB here. The memos of the stage are keyed on a few
characters (pairs, one-character clusters and their neighbours, slots)."""

import gc
import tracemalloc

from cleanse.repair.cjk.repair import repair_mojibake

# HKCanCor FC-012_v.cha (CC BY 4.0, tests/data/clean_corpus/LICENSE.hkcancor.txt): a question
# without a particle in a document punctuated with ASCII marks, where `judge` asks for the
# document's writer's marks (test_false_repairs_colloquial.py).
_QUESTIONS = "當蘿蔔啊.\n磨牙?\n你隻兔仔?\n隻兔仔啊.\n"


def _document(k: int) -> str:
    return _QUESTIONS + "x" * 500_000 + f"\n{k}\n" + _QUESTIONS


def test_no_document_is_retained_after_its_repair():
    for k in (-1, -2):  # the model and the memos of these few characters are loaded here
        repair_mojibake(_document(k))
    tracemalloc.start()
    try:
        gc.collect()
        before = tracemalloc.get_traced_memory()[0]
        for k in range(20):
            text = _document(k)
            assert repair_mojibake(text).text == text
        del text
        gc.collect()
        retained = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert retained < 1_000_000, f"{retained / 1e6:.1f} MB still held after 20 documents of 0.5 MB"
