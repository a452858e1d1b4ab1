"""The repeated-lines pass (cleanse.dedup.lines) on real clean text and on planted site chrome.

    PYTHONPATH=. python benchmarks/eval_repeated_lines.py [--planted 20000] [--min-docs 3 5 10]

Clean text (every line removed is a false removal): the documents of benchmarks/repair_corpus.py
(LawRefBook/Laws, whose laws quote and repeat each other's articles and chapter headings;
chinese-poetry anthologies; trpl-zh-cn; chatterbot; seeds; read from the fetched mirrors),
plus the whole of chinese-poetry's 全唐诗 (one group of ~57k poems, many titled 无题 or 杂诗,
the same poem under two poets). Each document is grouped as the pass groups it, by the
directory of its path in its repository, and its title is what the pipeline's `header_meta`
stage finds (the pass keeps a document's own title line, unless `repeated_title` applies:
`--repeated-title false true` measures without and with that rule in the same run).

Planted chrome (recall): benchmarks/planted.py pages (poems with one of 6 site headers and 6
footers each, all in one group): the share of header/footer lines removed, and every other
removed line counted as a false removal.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections import Counter as Tally


sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from cleanse.boilerplate.header import HeaderMetaStage  # noqa: E402
from cleanse.document import Document  # noqa: E402
from cleanse.dedup.normalize import dedup_form  # noqa: E402
from cleanse.dedup.lines import Counter, RepeatedLinesConfig, count_table, group_of, line_keys, strip_lines  # noqa: E402

TANG = "/work/.mirror/chinese-poetry+chinese-poetry/repo"


def titles(texts: list[str]) -> list[str | None]:
    stage = HeaderMetaStage()
    stage.setup()
    return [stage.process(Document(text=t, source="x", source_sha256="")).title for t in texts]


def tang_docs() -> list[tuple[str, str]]:
    names = subprocess.run(["git", f"--git-dir={TANG}", "ls-tree", "-r", "--name-only", "-z", "HEAD"],
                           capture_output=True, check=True).stdout.decode("utf-8").split("\0")
    docs = []
    for name in sorted(n for n in names if n.startswith("全唐诗/poet.tang.") and n.endswith(".json")):
        blob = subprocess.run(["git", f"--git-dir={TANG}", "show", f"HEAD:{name}"], capture_output=True,
                              check=True).stdout
        for poem in json.loads(blob):
            lines = [p for p in poem.get("paragraphs") or [] if p]
            if lines:
                docs.append((f"chinese-poetry/{name}", "\n".join([poem.get("title") or "", *lines]).strip("\n")))
    return docs


def measure(docs: list[tuple[str, str]], cfg: RepeatedLinesConfig, with_titles: list[str | None],
            chrome: dict[str, str] | None = None) -> dict[str, object]:
    groups = [group_of(src, None) for src, _ in docs]
    texts = [t for _, t in docs]
    t0 = time.process_time()
    counter = Counter()
    for i in range(0, len(texts), 1024):
        counter.add(count_table(texts[i:i + 1024], groups[i:i + 1024]))
    rep = counter.repeated(cfg)
    repeated, counts = rep.column("key").to_numpy(), rep.column("docs").to_numpy()
    removed: list[str] = []
    changed = 0
    for text, group, title in zip(texts, groups, with_titles):
        _, gone = strip_lines(text, line_keys(text, group), repeated, title, cfg.edges_only, cfg.repeated_title,
                               cfg.title_ratio, counts)
        removed += gone
        changed += bool(gone)
    secs = time.process_time() - t0
    lines = sum(t.count("\n") + 1 for t in texts)
    out: dict[str, object] = {"docs": len(texts), "lines": lines, "distinct_lines": counter.distinct,
                              "repeated_keys": len(repeated), "removed_lines": len(removed), "docs_changed": changed,
                              "cpu_s": round(secs, 2)}
    if chrome is not None:  # chrome: form -> "header" | "footer" (a respelled copy's chrome is chrome)
        total = Tally(chrome[f] for t in texts for line in t.split("\n") if (f := dedup_form(line)) in chrome)
        hit = Tally(chrome[f] for r in removed if (f := dedup_form(r)) in chrome)
        for part in ("header", "footer"):
            out[f"{part}_recall"] = round(hit[part] / total[part], 4) if total[part] else None
        out.update(chrome_lines=sum(total.values()), chrome_removed=sum(hit.values()),
                   false_removals=len(removed) - sum(hit.values()))
    out["examples"] = [f"{r} x{n}" for r, n in Tally(r for r in removed if chrome is None or dedup_form(r) not in chrome)
                       .most_common(5)]
    return out


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--planted", type=int, default=20000)
    p.add_argument("--min-docs", type=int, nargs="+", default=[3, 5, 10])
    p.add_argument("--min-fraction", type=float, nargs="+", default=[0.0, 0.05])
    p.add_argument("--repeated-title", nargs="+", default=["false", "true"], choices=("true", "false", "no_title"),
                   help="false: the title line always stays; true: the rule; no_title: titles not protected at all")
    p.add_argument("--edges-only", nargs="+", default=["true", "false"], choices=("true", "false"))
    p.add_argument("--sets", nargs="+", default=None, help="only these sets (genre names, quan_tangshi, planted_chrome)")
    args = p.parse_args()
    from planted import FOOTERS, HEADERS, load_pool, planted_corpus
    from repair_corpus import GENRES, corpus

    want = set(args.sets) if args.sets else None
    sets: dict[str, list[tuple[str, str]]] = {}
    genres = [g for g in GENRES if want is None or g in want]
    for genre, docs in (corpus(genres) if genres else {}).items():
        sets[genre] = [(src.replace(":", "/", 1), text) for src, text in docs]
    if want is None or "quan_tangshi" in want:
        sets["quan_tangshi"] = tang_docs()
    if "yuanqu_hans" in sets:
        # The hard case for a repeated title: every 元曲 page of a site closing with the site's
        # footer (a title like `前腔` is then a repeated first line on a page with chrome).
        sets["yuanqu_with_footer"] = [(src, f"{text}\n{FOOTERS[0]}") for src, text in sets["yuanqu_hans"]]
    planted = [(f"planted/{d.name}", d.text) for d in planted_corpus(args.planted, load_pool())]
    titled = {name: titles([t for _, t in docs]) for name, docs in sets.items()}
    planted_titles = titles([t for _, t in planted])
    chrome = {**{dedup_form(h): "header" for h in HEADERS}, **{dedup_form(f): "footer" for f in FOOTERS}}
    chrome_of = {"yuanqu_with_footer": {dedup_form(FOOTERS[0]): "footer"}}
    for md in args.min_docs:
        for mf in args.min_fraction:
            for edges, rule in ((e == "true", r) for e in args.edges_only for r in args.repeated_title):
                cfg = RepeatedLinesConfig(min_docs=md, min_fraction=mf, edges_only=edges, repeated_title=rule == "true")
                head = {"min_docs": md, "min_fraction": mf, "edges_only": edges, "repeated_title": rule}

                def of(t: list[str | None]) -> list[str | None]:
                    return [None] * len(t) if rule == "no_title" else t
                for name, docs in sets.items():
                    print(json.dumps({"set": name, **head, **measure(docs, cfg, of(titled[name]), chrome_of.get(name))},
                                     ensure_ascii=False), flush=True)
                if want is not None and "planted_chrome" not in want:
                    continue
                print(json.dumps({"set": "planted_chrome", **head,
                                  **measure(planted, cfg, of(planted_titles), chrome)}, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
