"""Boilerplate removal measured on real external text: precision on clean articles, recall
(and precision) on real web pages with hand-made gold content.

    python benchmarks/eval_boilerplate.py [--clean sample|full] [--pages DIR] [--examples 10]

1. Clean articles: the real clean corpus of the repair stages (`benchmarks/repair_corpus.py`:
   classical prose and poetry, laws, a technical book, chat, reviews, seeds 000-002; `sample`
   = the 1,189 documents of tests/data/clean_corpus, `full` = the whole corpus from the
   fetched mirrors). Every line is content, so every line the boilerplate stages remove
   (`html_residue`, `boilerplate_lines`, `header_meta`) is a content line lost.
2. Real pages: the Chinese Web Content Extraction Dataset (immortal-autumn, MIT; the 12-page
   sample in tests/data/extraction_zh, or --pages for the whole 69-page mirror). Each page is
   turned into plain text with every text node kept (resiliparse, main_content=False: the
   page's navigation, footers and adverts stay in), then cleaned by the same stages. A removed
   line found in the gold content is a content line lost; recall is the share of the
   non-gold lines removed (many of them menus and link lists no line rule is meant to take,
   so recall is a floor, reported for comparison between versions).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from cleanse.boilerplate import BoilerplateLinesStage, HeaderMetaStage, HtmlResidueStage  # noqa: E402
from cleanse.document import Document  # noqa: E402

STAGES = [HtmlResidueStage(), BoilerplateLinesStage(), HeaderMetaStage()]


def clean(text: str) -> Document:
    doc = Document(text=text, id="", source="<eval>", source_sha256="")
    for stage in STAGES:
        stage.process(doc)
    return doc


def clean_articles(which: str) -> dict[str, list[tuple[str, str]]]:
    if which == "sample":
        out: dict[str, list[tuple[str, str]]] = {}
        for line in (ROOT / "tests/data/clean_corpus/sample.jsonl").read_text("utf-8").splitlines():
            d = json.loads(line)
            out.setdefault(d["genre"], []).append((d["source"], d["text"]))
        return out
    import repair_corpus

    return repair_corpus.corpus()


def _key(line: str) -> str:
    return "".join(line.split())


# Removals of markup, not of text: HTML tags, comments, attributes, entities and table pipes.
# On clean articles written in Markdown (the Rust book, the law files) they are the source's
# markup; they are counted apart from lines of text.
MARKUP_REASONS = ("html.", "layout.")


# The repair corpus's `news_gov` genre is seeds 000-002: clean for the repair stages, but
# real pages with real boilerplate (a date line, an ICP footer), so not clean articles here.
NOT_CLEAN_HERE = ("news_gov",)


def is_markup(reason: str) -> bool:
    return reason.startswith(MARKUP_REASONS)


def precision_on_clean(which: str, n_examples: int) -> None:
    print(f"## Clean articles ({which})\n\n| genre | documents | lines | text lines removed | markup pieces removed |\n"
          "| --- | ---: | ---: | ---: | ---: |")
    examples: list[str] = []
    total = Counter()
    for genre, docs in sorted(clean_articles(which).items()):
        if genre in NOT_CLEAN_HERE:
            continue
        lines = removed = markup = 0
        for source, text in docs:
            lines += sum(1 for x in text.split("\n") if x.strip())
            doc = clean(text)
            for r in doc.removed:
                if is_markup(r.reason):
                    markup += 1
                    continue
                removed += 1
                if len(examples) < n_examples:
                    examples.append(f"{genre} {source}: {r.stage}/{r.reason}: {r.text[:80]!r}")
        total.update(docs=len(docs), lines=lines, removed=removed, markup=markup)
        print(f"| {genre} | {len(docs)} | {lines} | {removed} | {markup} |")
    print(f"| **all** | {total['docs']} | {total['lines']} | {total['removed']} | {total['markup']} |\n")
    print("text lines removed:" if examples else "text lines removed: none")
    for e in examples:
        print("-", e)


def on_pages(data: Path, n_examples: int) -> None:
    from eval_extraction import load_pages
    from resiliparse.extract.html2text import extract_plain_text

    from cleanse.decoding import detect_and_decode

    lost: list[str] = []
    n_gold_lines = n_other = n_other_removed = n_gold_removed = 0
    by_reason: Counter[str] = Counter()
    pages = load_pages(data)
    for page_id, raw, gold in pages:
        text = extract_plain_text(detect_and_decode(raw).text, main_content=False)
        gold_keys = {_key(x) for x in gold.split("\n") if x.strip()}
        keys = [_key(x) for x in text.split("\n") if x.strip()]
        n_gold_lines += sum(1 for k in keys if k in gold_keys)
        n_other += sum(1 for k in keys if k not in gold_keys)
        for r in clean(text).removed:
            k = _key(r.text)
            if k in gold_keys:
                n_gold_removed += 1
                lost.append(f"{page_id}: {r.stage}/{r.reason}: {r.text[:80]!r}")
            else:
                n_other_removed += 1
                by_reason[r.reason] += 1
    print(f"\n## Real pages ({len(pages)}, {data})\n")
    print(f"content lines (in the gold) removed: {n_gold_removed} of {n_gold_lines}")
    print(f"other lines removed (recall): {n_other_removed} of {n_other} ({100 * n_other_removed / max(n_other, 1):.1f}%)")
    print("by rule:", ", ".join(f"{k} {v}" for k, v in by_reason.most_common()))
    for e in lost[:n_examples]:
        print("-", e)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clean", choices=["sample", "full"], default="sample")
    ap.add_argument("--pages", type=Path, default=ROOT / "tests/data/extraction_zh")
    ap.add_argument("--examples", type=int, default=10)
    args = ap.parse_args()
    precision_on_clean(args.clean, args.examples)
    on_pages(args.pages, args.examples)


if __name__ == "__main__":
    main()
