"""Main-content extraction on real Chinese pages with hand-made gold: cleanse against
trafilatura and resiliparse alone, in the same run.

    PYTHONPATH=. python benchmarks/eval_extraction.py [--data DIR] [--pages N] [--worst 5]

DIR holds `original/<id>.html` (the page bytes as crawled) and `cleaned/<id>.txt` (the
gold main content, title/date/author excluded), the layout of the Chinese Web Content
Extraction Dataset (github.com/immortal-autumn/Chinese-Web-Content-Extraction-Dataset,
MIT licence, 69 pages; `git archive 99d0ef08419109b5489b12e38f771f25b952d774`). Without
`--data`, the licensed 12-page sample in tests/data/extraction_zh/ is used.

Score: character precision / recall / F1 per page, macro-averaged. Characters are compared
as multisets, whitespace ignored, after OpenCC t2s on both sides (cleanse converts to
Simplified; the gold keeps the page's script), so every system is scored the same way.

Systems:
- `cleanse`: the decode stage (detection on the page's text, `<meta charset>` weighed
  against the bytes), then the default text stages from extract_html on (the default
  pipeline without splitting), i.e. the `text` column a user gets.
- `cleanse extract only`: the decode stage + extract_html alone.
- `trafilatura` / `resiliparse`: each alone on the page bytes, with its own decoding
  (trafilatura's `extract(bytes)`, resiliparse's `bytes_to_str(detect_encoding)`).
- `… + cleanse decode`: each on the text decoded by `cleanse.detect_and_decode` (the
  detector alone, on the raw bytes).
"""

from __future__ import annotations

import argparse
import collections
import re
import time
from pathlib import Path
from typing import Callable

from cleanse.decoding import DecodeStage, detect_and_decode
from cleanse.defaults import text_stages
from cleanse.document import Document, Reject
from cleanse.extraction import ExtractHtmlStage
from cleanse.script import convert

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "data" / "extraction_zh"


# The dataset wraps each page in a CleanEval-style envelope line: `<text id="URL" title="…"
# encoding="…">`. It is the dataset's format, not part of the page, and is cut off.
_ENVELOPE = re.compile(rb"\A<text\b[^>]*>\r?\n?")


def load_pages(data: Path, limit: int | None = None) -> list[tuple[str, bytes, str]]:
    """(page id, page bytes, gold text) for every page that has a gold file."""
    pages = []
    for html in sorted((data / "original").glob("*.html")):
        gold = data / "cleaned" / (html.stem + ".txt")
        if gold.exists():
            pages.append((html.stem, _ENVELOPE.sub(b"", html.read_bytes()), detect_and_decode(gold.read_bytes()).text))
    return pages[:limit] if limit else pages


def char_prf(pred: str, gold: str) -> tuple[float, float, float]:
    """Character multiset precision, recall and F1, whitespace ignored."""
    p = collections.Counter(c for c in pred if not c.isspace())
    g = collections.Counter(c for c in gold if not c.isspace())
    inter = sum((p & g).values())
    n_p, n_g = sum(p.values()), sum(g.values())
    prec = inter / n_p if n_p else 0.0
    rec = inter / n_g if n_g else 0.0
    return prec, rec, (2 * prec * rec / (prec + rec) if prec + rec else 0.0)


def systems() -> dict[str, Callable[[bytes], str]]:
    import trafilatura
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.encoding import bytes_to_str, detect_encoding

    decode = DecodeStage()
    extract = ExtractHtmlStage()
    stages = text_stages()  # extract_html first

    def decoded(raw: bytes) -> str:
        return detect_and_decode(raw).text

    def cleanse_doc(raw: bytes, text_stages: list) -> str:
        doc = Document.from_bytes("<eval>", raw)
        if isinstance(decode.process(doc), Reject):
            return ""
        for stage in text_stages:
            stage.process(doc)
        return doc.text

    def cleanse_full(raw: bytes) -> str:
        return cleanse_doc(raw, stages)

    def cleanse_extract(raw: bytes) -> str:
        return cleanse_doc(raw, [extract])

    def resil(text: str) -> str:
        return extract_plain_text(text, main_content=True)

    return {
        "cleanse": cleanse_full,
        "cleanse extract only": cleanse_extract,
        "trafilatura": lambda raw: trafilatura.extract(raw) or "",
        "trafilatura + cleanse decode": lambda raw: trafilatura.extract(decoded(raw)) or "",
        "resiliparse": lambda raw: resil(bytes_to_str(raw, detect_encoding(raw))),
        "resiliparse + cleanse decode": lambda raw: resil(decoded(raw)),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=SAMPLE)
    ap.add_argument("--pages", type=int, default=None)
    ap.add_argument("--worst", type=int, default=0, help="print the N worst pages of cleanse")
    args = ap.parse_args()
    pages = load_pages(args.data, args.pages)
    gold = {pid: convert(g, "t2s") for pid, _, g in pages}
    mb = sum(len(raw) for _, raw, _ in pages) / 1e6
    print(f"{len(pages)} pages, {mb:.2f} MB of HTML, from {args.data}")
    print("| system | precision | recall | F1 | pages/s |\n| --- | --- | --- | --- | --- |")
    per_page: dict[str, dict[str, tuple[float, float, float]]] = {}
    for name, run in systems().items():
        run(pages[0][1])  # warm-up (imports, rule compilation)
        scores = {}
        seconds = 0.0
        for pid, raw, _ in pages:
            t0 = time.perf_counter()
            out = run(raw)
            seconds += time.perf_counter() - t0
            scores[pid] = char_prf(convert(out, "t2s"), gold[pid])
        per_page[name] = scores
        mean = [sum(s[i] for s in scores.values()) / len(scores) for i in range(3)]
        print(f"| {name} | {mean[0]:.3f} | {mean[1]:.3f} | {mean[2]:.3f} | {len(pages) / seconds:.1f} |")
    if args.worst:
        worst = sorted(per_page["cleanse"].items(), key=lambda kv: kv[1][2])[: args.worst]
        for pid, (p, r, f) in worst:
            peers = " ".join(f"{n}={per_page[n][pid][2]:.2f}" for n in ("trafilatura", "resiliparse"))
            print(f"{pid}: P={p:.2f} R={r:.2f} F1={f:.2f} ({peers})")


if __name__ == "__main__":
    main()
