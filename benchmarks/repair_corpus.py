"""The real clean regression corpus of the repair stages, built from fetched git mirrors.

    PYTHONPATH=. python benchmarks/repair_corpus.py --check      # changes per genre (zero is the goal)
    PYTHONPATH=. python benchmarks/repair_corpus.py --sample     # rewrite tests/data/clean_corpus/

Sources (bare mirrors under /work/.mirror, brought with the `fetch` tool; commits pinned in
SOURCES): chinese-poetry (MIT: classical prose and poetry, Traditional and Simplified),
LawRefBook/Laws (PRC laws and regulations: not protected, Copyright Law art. 5(1)),
KaiserY/trpl-zh-cn (MIT: technical writing with code and URLs), gunthercox/chatterbot-corpus
(BSD-3: conversational Chinese, both scripts), SophonPlus/ChineseNlpCorpus (hotel and
take-away reviews; no licence stated, so used here but never committed), and the repository's
own seeds 000-002 (modern news / government prose). Documents are whole poems, chapters,
law files, book pages, reviews.

Colloquial Cantonese and Hong Kong / Taiwan text (where the `?`-after-a-character false
repairs were found): HKCanCor (CC BY 4.0, 1990s Hong Kong conversations, the CHAT files
shipped in jacksonllee/pycantonese; tokens joined back into sentences, its half-width
`? ! , .` kept), UD_Cantonese-HK and UD_Chinese-HK (CC BY-SA 4.0, film subtitles and LegCo
proceedings, the `# text` lines with their fullwidth punctuation), moztw/cc0-sentences
zh-TW (CC0: g0v Slack #rand0m chat, chat logs, web slang and everyday sentences of
Taiwan), and, used here but never committed, the Common Voice Cantonese sentences that
pycantonese ships (MPL 2.0 there). A document is a run of consecutive utterances or
sentences (COLLOQUIAL_LINES), one a line, the size of a forum post or chat page.

Modern and classical genres of Universal Dependencies treebanks (UD_GENRES, after the others
so that the sample's earlier rows stay as they were), the `# text` lines of the released dev
and test files (the train files are over 4 MiB, not in the snapshots), 30 a document:
UD_Chinese-GSD and UD_Chinese-GSDSimp (CC BY-SA 4.0, Wikipedia in Traditional and Simplified
Chinese), UD_Chinese-PUD (CC BY-SA 3.0, news and Wikipedia sentences translated by
professional translators), UD_Chinese-CFL (CC BY-SA 4.0, essays of learners of Chinese, their
spelling errors kept), UD_Classical_Chinese-Kyoto (CC BY-SA 4.0, 論語 孟子 禮記 十八史略 楚辭
戰國策 and two sutras, unpunctuated), and, benchmark only (non-commercial licences),
UD_Chinese-PatentChar (patent claims) and UD_Chinese-Beginner (Chinese Grammar Wiki examples).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).parent.parent
MIRRORS = Path("/work/.mirror")
SAMPLE_DIR = ROOT / "tests" / "data" / "clean_corpus"

# name -> (mirror git dir, commit)
SOURCES = {
    "chinese-poetry": ("chinese-poetry+chinese-poetry/repo", "99ebbef7e1345c0985c44b9fd96a3f9e776f117b"),
    "laws": ("LawRefBook+Laws/repo", "2f4c5c23716267af9dbebbbbd6cbbf732b101981"),
    "trpl": ("KaiserY+trpl-zh-cn/repo", "49df980589ccd5c1b8829b9be47439136dc34101"),
    "chatterbot": ("gunthercox+chatterbot-corpus/repo", "a01efece26661309b870af0251d96f94ee09fb19"),
    "reviews": ("SophonPlus+ChineseNlpCorpus/repo/.git", "a0b781d72158bde242c0626c9e354d2b328865ff"),
    "pycantonese": ("jacksonllee+pycantonese/repo", "2dff909520db251966e0ec033334bb2ad6a02672"),
    "ud-yue-hk": ("UniversalDependencies+UD_Cantonese-HK/repo", "454c9548b32a77438b2ab4bca0ad6d1886a8ac11"),
    "ud-zh-hk": ("UniversalDependencies+UD_Chinese-HK/repo", "77ecd3ca188a59e53385f9fffd13219952187d03"),
    "cc0-sentences": ("moztw+cc0-sentences/repo", "0cd8139d28c7ef15086154d2de4fb8210c8fb16e"),
    "ud-zh-gsd": ("UniversalDependencies+UD_Chinese-GSD/repo", "200dbe8acf60ff0d194f2d30bf925c410eee762a"),
    "ud-zh-gsdsimp": ("UniversalDependencies+UD_Chinese-GSDSimp/repo", "eb3aed31ebb170897405ee5cd1db83a1a0b11864"),
    "ud-zh-pud": ("UniversalDependencies+UD_Chinese-PUD/repo", "2849afd946a8c01b3e9acdf3e7afa8670cf2777d"),
    "ud-zh-patentchar": ("UniversalDependencies+UD_Chinese-PatentChar/repo", "52689153400f01918043feb9cc95b799e7871b3a"),
    "ud-zh-cfl": ("UniversalDependencies+UD_Chinese-CFL/repo", "c699eaa4603390a6a24314b1952177517cad0546"),
    "ud-zh-beginner": ("UniversalDependencies+UD_Chinese-Beginner/repo", "7e443ca8f461d6710817822c13b03cf9ca74fbed"),
    "ud-lzh-kyoto": ("UniversalDependencies+UD_Classical_Chinese-Kyoto/repo", "9a16f5cfb0e230c94692fd0b2f9d1c17738e7983"),
}
# Sources whose licence allows a sample in tests/data. (pycantonese: only its HKCanCor files,
# CC BY 4.0; its Common Voice sentences are benchmark-only, source label "commonvoice-yue".)
# UD_Chinese-PatentChar (its README: CC BY-NC-SA 3.0, its LICENSE.txt: CC BY-SA 4.0) and
# UD_Chinese-Beginner (CC BY-NC-SA 3.0, the Chinese Grammar Wiki's licence) are benchmark-only.
REDISTRIBUTABLE = {"chinese-poetry", "laws", "trpl", "chatterbot", "seeds", "hkcancor", "ud-yue-hk", "ud-zh-hk",
                   "cc0-sentences", "ud-zh-gsd", "ud-zh-gsdsimp", "ud-zh-pud", "ud-zh-cfl", "ud-lzh-kyoto"}

COLLOQUIAL_LINES = 30  # utterances / sentences a document
# moztw/cc0-sentences zh-TW files of colloquial and everyday text (not the press releases,
# place names, Wikidata labels, exam text or book titles).
CC0_ZH_TW = ["g0v_slack_rand0m.txt", "chatlogs.txt", "web_slang.txt", "sayit.txt", "cvsprint_201902.txt",
             "setences.txt", "lms.txt", "tg_common_voice.txt"]
_HKCANCOR = "src/pycantonese/data/hkcancor/"
_WORD = re.compile(r"[0-9A-Za-z]")


def _join_tokens(tokens: list[str]) -> str:
    """A segmented utterance as written: no space between tokens except between two Latin
    or digit characters (`High season`, `Form 5`); punctuation kept as it is."""
    out = ""
    for t in tokens:
        if out and _WORD.match(out[-1]) and _WORD.match(t[0]):
            out += " "
        out += t
    return out


def _chat_utterances(text: str) -> list[str]:
    """The main-tier utterances of a CHAT (.cha) file, tokens joined (continuation lines of
    a tier begin with a tab)."""
    utts: list[list[str]] = []
    cur: list[str] | None = None
    for line in text.splitlines():
        if line.startswith("*") and "\t" in line:
            cur = line.split("\t", 1)[1].split()
            utts.append(cur)
        elif line.startswith("\t") and cur is not None:
            cur.extend(line.split())
        else:
            cur = None
    return [u for u in (_join_tokens(t) for t in utts) if u]


def _runs(lines: list[str], n: int = COLLOQUIAL_LINES) -> Iterator[str]:
    for i in range(0, len(lines), n):
        yield "\n".join(lines[i:i + n])


def _git(source: str, *args: str) -> bytes:
    gd, _ = SOURCES[source]
    return subprocess.run(["git", "-c", "core.quotepath=false", f"--git-dir={MIRRORS / gd}", *args],
                          check=True, capture_output=True).stdout


def _show(source: str, path: str) -> str:
    return _git(source, "show", f"{SOURCES[source][1]}:{path}").decode("utf-8")


def _files(source: str) -> list[str]:
    return _git(source, "ls-tree", "-r", "--name-only", SOURCES[source][1]).decode("utf-8").splitlines()


def _ud_sentences(source: str) -> Iterator[tuple[str, list[str]]]:
    """(path, its `# text` lines) for every released .conllu file of a UD treebank: not the
    `not-to-release/` folder, nor the train files (over 4 MiB, not in the fetched snapshots:
    left out so that a full clone gives the same corpus)."""
    for path in _files(source):
        if path.endswith(".conllu") and not path.startswith("not-to-release/") and "-ud-train" not in path:
            yield path, [line[len("# text = "):] for line in _show(source, path).splitlines()
                         if line.startswith("# text = ")]


def _poems(obj, key_title: str = "") -> Iterator[str]:
    """Every object with a list of lines (paragraphs/content) becomes one document."""
    if isinstance(obj, list):
        for x in obj:
            yield from _poems(x, key_title)
    elif isinstance(obj, dict):
        title = " ".join(str(obj.get(k) or "") for k in ("title", "chapter", "rhythmic", "section")
                         if isinstance(obj.get(k), str)).strip()
        for key in ("paragraphs", "content", "abstract", "comment"):
            v = obj.get(key)
            if isinstance(v, list) and v and all(isinstance(s, str) for s in v):
                yield (title + "\n" if title else "") + "\n".join(v)
            elif isinstance(v, (list, dict)):
                yield from _poems(v, title)
            elif isinstance(v, str) and key == "content":
                yield (title + "\n" if title else "") + v


# UD genre -> source (its `# text` lines, COLLOQUIAL_LINES a document)
UD = {"cantonese_ud": "ud-yue-hk", "zh_hk_ud": "ud-zh-hk",
      "wiki_hant_ud": "ud-zh-gsd", "wiki_hans_ud": "ud-zh-gsdsimp", "news_pud": "ud-zh-pud",
      "patent_ud": "ud-zh-patentchar", "learner_ud": "ud-zh-cfl", "beginner_ud": "ud-zh-beginner",
      "classical_kyoto_ud": "ud-lzh-kyoto"}

# genre -> list of (source, path or glob prefix, limit in documents)
POETRY = {
    "classical_prose_hant": ["四书五经/mengzi.json", "四书五经/daxue.json", "四书五经/zhongyong.json",
                             "蒙学/guwenguanzhi.json", "蒙学/wenzimengqiu.json", "蒙学/youxueqionglin.json"],
    "classical_prose_hans": ["论语/lunyu.json", "幽梦影/youmengying.json", "蒙学/zengguangxianwen.json",
                             "蒙学/sanzijing-new.json", "蒙学/qianziwen.json", "蒙学/dizigui.json"],
    "poetry_hant": ["蒙学/tangshisanbaishou.json", "蒙学/qianjiashi.json", "蒙学/shenglvqimeng.json",
                    *(f"全唐诗/poet.tang.{n}.json" for n in range(0, 6000, 1000)),
                    *(f"御定全唐詩/json/{n:03d}.json" for n in range(1, 40))],
    "poetry_hans": ["诗经/shijing.json", "楚辞/chuci.json", "宋词/宋词三百首.json", "纳兰性德/纳兰性德诗集.json",
                    "曹操诗集/caocao.json", "水墨唐诗/shuimotangshi.json",
                    *(f"宋词/ci.song.{n}.json" for n in range(0, 5000, 1000))],
    "yuanqu_hans": ["元曲/yuanqu.json"],
}


def _genre_docs(genre: str) -> Iterator[tuple[str, str]]:
    """(source label, text) for every document of a genre."""
    if genre in POETRY:
        for path in POETRY[genre]:
            for d in _poems(json.loads(_show("chinese-poetry", path))):
                yield f"chinese-poetry:{path}", d
    elif genre == "legal_hans":
        for path in _files("laws"):
            if path.endswith(".md") and not path.startswith(("scripts", ".")) and "_index" not in path:
                yield f"laws:{path}", _show("laws", path)
    elif genre == "tech_hans":
        for path in _files("trpl"):
            if path.startswith("src/") and path.endswith(".md"):
                yield f"trpl:{path}", _show("trpl", path)
    elif genre == "chat":
        import yaml
        for path in _files("chatterbot"):
            if "/chinese/" in path or "/traditionalchinese/" in path:
                data = yaml.safe_load(_show("chatterbot", path))
                for conv in data.get("conversations") or []:
                    yield f"chatterbot:{path}", "\n".join(str(x) for x in conv)
    elif genre == "reviews":
        for path, col in (("datasets/ChnSentiCorp_htl_all/ChnSentiCorp_htl_all.csv", "review"),
                          ("datasets/waimai_10k/waimai_10k.csv", "review")):
            for row in csv.DictReader(io.StringIO(_show("reviews", path))):
                if row.get(col):
                    yield f"reviews:{path}", row[col]
    elif genre == "cantonese_hkcancor":
        for path in _files("pycantonese"):
            if path.startswith(_HKCANCOR) and path.endswith(".cha"):
                for d in _runs(_chat_utterances(_show("pycantonese", path))):
                    yield f"hkcancor:{path[len(_HKCANCOR):]}", d
    elif genre in UD:
        source = UD[genre]
        for path, sents in _ud_sentences(source):
            for d in _runs(sents):
                yield f"{source}:{path}", d
    elif genre == "zh_tw_colloquial":
        for name in CC0_ZH_TW:
            lines = [line.strip() for line in _show("cc0-sentences", "zh-TW/" + name).splitlines() if line.strip()]
            for d in _runs(lines):
                yield f"cc0-sentences:zh-TW/{name}", d
    elif genre == "cantonese_cv":
        path = "src/pycantonese/data/common_voice/sents.json"
        for d in _runs([x for x in json.loads(_show("pycantonese", path)) if x.strip()]):
            yield f"commonvoice-yue:{path}", d
    elif genre == "news_gov":
        for p in sorted((ROOT / "seeds").glob("00[012]_*.txt")):
            yield f"seeds:{p.name}", p.read_text(encoding="utf-8")
    else:
        raise KeyError(genre)


COLLOQUIAL = ["cantonese_hkcancor", "cantonese_ud", "zh_hk_ud", "zh_tw_colloquial", "cantonese_cv"]
# The modern and classical genres of Universal Dependencies treebanks (after the colloquial
# ones, so that the sample's earlier rows stay where they are): `# text` lines, 30 a document.
UD_GENRES = ["wiki_hant_ud", "wiki_hans_ud", "news_pud", "patent_ud", "learner_ud", "beginner_ud",
             "classical_kyoto_ud"]
GENRES = [*POETRY, "legal_hans", "tech_hans", "chat", "reviews", "news_gov", *COLLOQUIAL, *UD_GENRES]


def corpus(genres: list[str] | None = None) -> dict[str, list[tuple[str, str]]]:
    """Documents by genre. A document holding U+FFFD is not clean (the source itself was
    damaged: `拍ァ�` in the Song ci) and is left out; so is one holding U+FFFC, the
    placeholder of an object that is gone (two Common Voice sentences, `未睇到個網頁￼`), which
    ftfy_zh removes as a control character."""
    return {g: [d for d in _genre_docs(g) if "\ufffd" not in d[1] and "\ufffc" not in d[1]]
            for g in (genres or GENRES)}


# Documents the repair stages damaged before issue 11 (baseline run of --check): always in
# the sample, so that each stays a regression test.
MUST_SAMPLE = ["盻盻", "乎哉?", "勝言哉?", "懷邪?", "何耶?", "硁硁", "瀼瀼", "芃芃", "甡甡", "ホホ", "みま", "恁恁恁忒",
               "(bēi)", "\U0002f936", "□□□", "●●", "ㄡㄡ", "Ⅰo", "〔××××〕", "１２５", "１５０％", "３００"]
# The same for the colloquial genres (cjk_mojibake 13: HKCanCor's `?` after a Cantonese particle
# or word at a line end, read as a short GBK shift); only looked for in COLLOQUIAL genres.
MUST_SAMPLE_COLLOQUIAL = ["呵?", "咩?", "吖?", "啞?", "嗰啲?", "乜嘢?", "冇笑?", "萬蚊?", "兔仔?", "木糠?", "大丸?",
                          "大佬?", "西隧?"]


def sample(per_genre_bytes: int = 60_000) -> None:
    """Write the redistributable sample: the first documents of every genre up to a size,
    one JSON line each ({"genre", "source", "text"})."""
    SAMPLE_DIR.mkdir(parents=True, exist_ok=True)
    out = []
    for g, docs in corpus().items():
        if not docs or docs[0][0].split(":")[0] not in REDISTRIBUTABLE or g == "news_gov":
            continue  # not redistributable, or already in the repository (seeds)
        step = max(1, len(docs) // 400)  # spread over the genre, not only its first file
        keys = MUST_SAMPLE + (MUST_SAMPLE_COLLOQUIAL if g in COLLOQUIAL else [])
        must = [d for d in docs if any(k in d[1] for k in keys) and len(d[1]) < 40_000][:12]
        picked, size = [], 0
        for d in must + [d for d in docs[::step] if len(d[1]) < 20_000]:
            if size >= per_genre_bytes:
                break
            if d not in picked:
                picked.append(d)
                size += len(d[1].encode("utf-8"))
        out.extend(json.dumps({"genre": g, "source": src, "text": text}, ensure_ascii=False) for src, text in picked)
    (SAMPLE_DIR / "sample.jsonl").write_text("\n".join(out) + "\n", encoding="utf-8")
    print(len(out), "documents written")


def repair_changes(text: str) -> list[tuple[str, list, list]]:
    """(stage, repairs, removed) for every repair stage that changes `text` at all."""
    from cleanse.repair import fix_text_zh, repair_mojibake, strip_ruby
    got = []
    for fn in (fix_text_zh, repair_mojibake, strip_ruby):
        e = fn(text)
        if e.text != text or e.repairs or e.removed:
            got.append((fn.__name__, e.repairs, e.removed))
    return got


def check(show: int, genres: list[str] | None = None) -> int:
    total_bad = 0
    all_mb = 0.0
    for g, docs in corpus(genres).items():
        mb = sum(len(t.encode("utf-8")) for _, t in docs) / 1e6
        all_mb += mb
        t0 = time.perf_counter()
        bad = [(src, ch) for src, t in docs if (ch := repair_changes(t))]
        el = time.perf_counter() - t0
        total_bad += len(bad)
        print(f"{g:22s} {len(docs):6d} docs {mb:6.2f} MB  changed {len(bad):4d}  ({mb / el:5.1f} MB/s, 3 stages)")
        for src, ch in bad[:show]:
            for stage, reps, rem in ch:
                print("   ", src, stage, [r[:3] for r in reps[:3]], rem[:2])
    print(f"total {all_mb:.2f} MB, {total_bad} documents changed")
    return total_bad


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--sample", action="store_true")
    ap.add_argument("--show", type=int, default=5)
    ap.add_argument("--genres", nargs="*")
    a = ap.parse_args()
    if a.sample:
        sample()
    if a.check:
        sys.exit(1 if check(a.show, a.genres) else 0)
