"""A planted corpus for measuring deduplication: documents made of real Chinese text, with
known duplicates of every kind the dedup phase must find and hard non-duplicates it must not.

The text pool is the poems of chinese-poetry/chinese-poetry (MIT licence; 全唐诗 poet.tang/song
files, about 300k poems, read from a bare git mirror: `fetch github:chinese-poetry/chinese-poetry`
gives /work/.mirror/chinese-poetry+chinese-poetry/repo). A document is 4-9 poems, one per
paragraph, with a site header/footer line. Kinds of planted copies (each points to its base):

- `exact`: the same text with whitespace, full/half-width punctuation and line breaks changed;
- `changed_paragraph`: one paragraph replaced by another poem;
- `boilerplate`: the same article with a different site header, footer and share lines;
- `reordered`: the paragraphs in another order;
- `traditional`: converted to Traditional (`cleanse.convert(text, "s2t")`; the pipeline
  converts it back, the dedup-only benchmark converts it back with t2s before signing).
Hard negatives (`quotation`): a new document that shares one long quotation (2-3 poems,
about a third of its text) with a base document: NOT a duplicate.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass

MIRROR = "/work/.mirror/chinese-poetry+chinese-poetry/repo"
CACHE = "/tmp/cleanse_dedup_pool_s.txt"
KINDS = ("exact", "changed_paragraph", "boilerplate", "reordered", "traditional")

HEADERS = ["首页 > 古诗文 > 正文", "当前位置：诗词网 - 唐诗宋词", "【诗词在线】您现在的位置：首页", "返回目录 | 上一篇 | 下一篇",
           "古诗文网 gushiwen 收藏本站", "字体：大 中 小 打印本页"]
FOOTERS = ["版权所有 © 2012-2024 诗词网 京ICP备12345678号", "分享到：微信 微博 QQ空间", "本文来源于网络，如有侵权请联系删除",
           "关注公众号获取更多诗词", "上一篇：暂无 下一篇：暂无", "责任编辑：小编 点击："]


def load_pool(mirror: str = MIRROR, cache: str = CACHE) -> list[str]:
    """One poem per entry (its lines joined), from the mirror (cached in `cache`)."""
    if os.path.exists(cache):
        with open(cache, encoding="utf-8") as fh:
            return fh.read().split("\n")
    names = subprocess.run(["git", f"--git-dir={mirror}", "ls-tree", "-r", "--name-only", "-z", "HEAD"],
                           capture_output=True, check=True).stdout.decode("utf-8").split("\0")
    poems: list[str] = []
    for name in sorted(n for n in names if n.startswith("全唐诗/poet.") and n.endswith(".json")):
        blob = subprocess.run(["git", f"--git-dir={mirror}", "show", f"HEAD:{name}"], capture_output=True,
                              check=True).stdout
        for poem in json.loads(blob):
            text = "".join(poem.get("paragraphs") or []).replace("\n", "")
            if len(text) >= 20:
                poems.append(text)
    from cleanse import convert

    poems = convert("\n".join(poems), "t2s").split("\n")  # the pool in Simplified, as the pipeline outputs
    with open(cache, "w", encoding="utf-8") as fh:
        fh.write("\n".join(poems))
    return poems


@dataclass(slots=True)
class Planted:
    name: str
    text: str
    kind: str          # "base", "unique", "quotation" or one of KINDS
    base: str | None   # the name of the document this one copies (None: an original)


def _doc(rng: random.Random, pool: list[str], k: int | None = None) -> list[str]:
    return [pool[rng.randrange(len(pool))] for _ in range(k or rng.randint(4, 9))]


def _page(rng: random.Random, paras: list[str]) -> str:
    return "\n".join([rng.choice(HEADERS), *paras, rng.choice(FOOTERS)])


def _respell(rng: random.Random, text: str) -> str:
    """An exact copy in another spelling: width, punctuation and spacing changed."""
    table = {"，": ",", "。": ".", "？": "?", "！": "!", "：": ":", "；": ";"}
    out = "".join(table.get(c, c) if rng.random() < 0.5 else c for c in text)
    return out.replace("\n", "\n\n").replace(",", ", ") + "\n"


def planted_corpus(n: int, pool: list[str], seed: int = 7, dup_share: float = 0.3) -> Iterator[Planted]:
    """About `n` documents: originals, planted copies (about `dup_share` of all) and hard negatives."""
    from cleanse import convert

    rng = random.Random(seed)
    made = 0
    i = 0
    while made < n:
        paras = _doc(rng, pool)
        header, footer = rng.choice(HEADERS), rng.choice(FOOTERS)
        base_text = "\n".join([header, *paras, footer])
        base = f"d{i:07d}"
        i += 1
        r = rng.random()
        if r >= dup_share * 1.6:
            yield Planted(base, base_text, "unique", None)
            made += 1
            continue
        yield Planted(base, base_text, "base", None)
        made += 1
        kind = rng.choice(KINDS + ("quotation",))
        if kind == "exact":
            text = _respell(rng, base_text)
        elif kind == "changed_paragraph":
            p = list(paras)
            p[rng.randrange(len(p))] = pool[rng.randrange(len(pool))]
            text = "\n".join([header, *p, footer])
        elif kind == "boilerplate":
            text = "\n".join([rng.choice(HEADERS), rng.choice(HEADERS), *paras, rng.choice(FOOTERS), rng.choice(FOOTERS)])
        elif kind == "reordered":
            p = list(paras)
            while p == paras and len(p) > 1:
                rng.shuffle(p)
            text = "\n".join([header, *p, footer])
        elif kind == "traditional":
            text = convert(base_text, "s2t")
        else:  # quotation: a third of the text shared, the rest new
            q = rng.randrange(len(paras) - 1)
            quote = paras[q:q + 2]
            text = _page(rng, _doc(rng, pool, 3) + quote + _doc(rng, pool, 3))
        yield Planted(f"d{i:07d}", text, kind, None if kind == "quotation" else base)
        i += 1
        made += 1
