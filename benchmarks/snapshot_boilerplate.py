"""Output snapshot of the six boilerplate/normalization stages, for speed work that must not
change behaviour.

    PYTHONPATH=. python benchmarks/snapshot_boilerplate.py write SNAPSHOT.pkl
    PYTHONPATH=. python benchmarks/snapshot_boilerplate.py check SNAPSHOT.pkl

Inputs (deterministic): the seeds raw and after OpenCC t2s, with and without pinyin notes;
every seed line; and generated mixes of Han text, ASCII punctuation, digits, Latin words,
URLs, odd spaces, blank lines, boilerplate fragments and seed lines. Every text function
runs on every input on its own, and the slot 7-9 chain runs on every input; `check` prints
the first differences and exits non-zero if there are any.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import opencc

from cleanse.boilerplate import (
    SplitArticlesStage, extract_header, remove_boilerplate_lines, strip_html_residue,
)
from cleanse.document import Document
from cleanse.normalization import normalize_zh, quality_signals
from cleanse.stage import changed_span

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_boilerplate import PINYIN_NOTE  # noqa: E402
import snapshots  # noqa: E402

FRAGMENTS = [
    "责任编辑：张三", "上一篇：", "下一篇:", "分享到：", "版权所有", "粤ICP备05102027号", "核心提示:", "2008-03-28 洛阳市科技局",
    "发布时间：2008-03-28 浏览次数：86", "【篇一】", "【篇二】", "篇三：总结", "(一)", "17", "、完善", "15.", "http://a.b/c?x=1",
    "www.example.com/a,b", "3,000", "10:30", "Hello, world", "&nbsp;", "<p>", "</p>", "<br/>", "value=\"4\" unitname=\"”\">",
    "&amp;", "本站为你精心整理了", "欢迎咨询。", "吗?", "呢!", "20xx年", "xx届", "XX公司", "××", "*", "**", "＊", "|", " | ", "｜",
    "。 ", "（", "）", "(", ")", "f(x)", "(Beijing)", "(*-2020年)", "“", "”", "‘", "’", "…", "3.8%", "1-2家", ",,", ":::", ",;",
    "\r\n", "\u200b", "\ufeff", "\t", "\u00a0", "\u3000", "\n\n\n", "上?萍", "ä¸­", "\ufffd", "相关阅读", "点击：", "字号 大 中 小",
    "【打印】【关闭】", "Copyright © 2010", "来源：新华网", "作者：李四", "朝阳日报 本报讯（记者 马隽）", "二是", "第一", "一、",
]
HAN = "科技创新工作发展我市年月日的是在一二三十领导报社會發展國際"
PUNCT = ",:;?!()|.-*/=\"'<>&%#"


def inputs() -> list[str]:
    t2s = opencc.OpenCC("t2s")
    seeds = [p.read_text("utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    stripped = [PINYIN_NOTE.sub("", s) for s in seeds]
    docs = seeds + stripped + [t2s.convert(s) for s in seeds + stripped]
    lines = [line for d in docs for line in d.split("\n")]
    rnd = random.Random(5)

    def token() -> str:
        k = rnd.randrange(9)
        if k == 0:
            return "".join(rnd.choice(HAN) for _ in range(rnd.randint(1, 20)))
        if k == 1:
            return "".join(rnd.choice(PUNCT) for _ in range(rnd.randint(1, 3)))
        if k == 2:
            return str(rnd.randint(0, 99999))
        if k == 3:
            return rnd.choice(["Hello", "world", "GAP", "TRIZ", "x", "DNA", "http", "www"])
        if k == 4:
            return "".join(rnd.choice(" \u00a0\u3000\t\n") for _ in range(rnd.randint(1, 4)))
        if k == 5:
            return "".join(rnd.choice("，。：；？！（）“”、《》【】…") for _ in range(rnd.randint(1, 2)))
        if k == 6:
            return rnd.choice(FRAGMENTS)
        if k == 7:
            return rnd.choice(lines)
        return "".join(rnd.choice(HAN) for _ in range(rnd.randint(60, 130)))  # hard-wrap lengths

    mixes = ["".join(token() for _ in range(rnd.randint(1, 60))) for _ in range(6000)]
    # Page-like mixes: lines of seeds and fragments.
    pages = ["\n".join(rnd.choice(lines + FRAGMENTS) for _ in range(rnd.randint(5, 80))) for _ in range(1500)]
    return docs + lines + mixes + pages + targeted()


def targeted() -> list[str]:
    """Inputs aimed at the rule families' edge cases (own random stream, so the inputs
    above stay as they were): bracket pairs with long contents and Han at either end,
    nested and mixed pairs, mark runs, every kind of space, list numbers and wrapped lines."""
    rnd = random.Random(11)
    pieces = [
        lambda: "".join(rnd.choice(HAN) for _ in range(rnd.choice([0, 1, 2, 50, 99, 100, 101, 102, 150, 201, 202]))),
        lambda: "".join(rnd.choice("abc xyz") for _ in range(rnd.choice([0, 1, 2, 99, 100, 101, 102, 150]))),
        lambda: rnd.choice(["(", ")", "（", "）", "((", "))", "()", "（)", "(）", " (", ") ", "\n"]),
        lambda: rnd.choice([",", ":", ";", "?", "!", ",,", ":;", ", ", " ,", "? ", "!\n", "。", "，", "：", "”"]),
        lambda: rnd.choice([" ", "  ", "\u00a0", "\u3000", "\u2000", "\u2009", "\u202f", "\u205f", "\t", "\f", "\v",
                            "\u200b", "\u2060", "\ufeff", "\r\n", "\r", "\n", "\n\n", " \n ", "\n\u3000\u3000"]),
        lambda: rnd.choice(["\n17\n", "\n三\n、", "\n(二)\n", "\n15.\n", "\n一、\n", "\n第一", "吗?", "呢!", "http://a.b/(x)"]),
        lambda: str(rnd.randint(0, 999)),
    ]
    weights = [4, 2, 4, 3, 3, 1, 1]
    return ["".join(rnd.choices(pieces, weights)[0]() for _ in range(rnd.randint(1, 40))) for _ in range(4000)]


def run(texts: list[str]) -> list:
    out = []
    split = SplitArticlesStage()
    for i, t in enumerate(texts):
        rec = []
        for fn in (strip_html_residue, remove_boilerplate_lines, extract_header, normalize_zh):
            e = fn(t)
            # What the stage records: `None` means the wrapper measures the changed span.
            changed = changed_span(t, e.text) if e.chars_changed is None else e.chars_changed
            rec.append((e.text, e.repairs, e.removed, changed, e.title, e.meta, e.signals))
        rec.append(quality_signals(t))
        x = t
        for fn in (strip_html_residue, remove_boilerplate_lines, extract_header, normalize_zh):
            x = fn(x).text
        rec.append((x, quality_signals(x)))
        doc = Document.from_bytes(f"d{i}", t.encode("utf-8"))
        doc.text, doc.encoding = t, "utf-8"
        parts = split.process(doc)
        parts = parts if isinstance(parts, list) else [parts]
        rec.append([(p.text, p.title, p.segment, p.byte_start, p.byte_end, p.removed) for p in parts])
        out.append(rec)
    return out


NAMES = ["html", "lines", "header", "normalize", "signals", "chain", "split"]


def main() -> None:
    mode, path = sys.argv[1], sys.argv[2]
    texts = inputs()
    got = run(texts)
    if mode == "write":
        snapshots.write(path, texts, got)
        return
    sys.exit(1 if snapshots.differences(path, texts, got, NAMES) else 0)

if __name__ == "__main__":
    main()
