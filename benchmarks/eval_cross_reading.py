"""Big5 read as GBK and GBK read as Big5 (errors="replace"), on held-out real text.

    PYTHONPATH=. python benchmarks/eval_cross_reading.py [--per-genre 60] [--pipeline]

Paragraphs (20-300 characters, at least half Han) of the real clean corpus
(benchmarks/repair_corpus.py, from the fetched mirrors) in documents that are NOT in the test
sample (tests/data/clean_corpus, which the thresholds were tuned on), damaged as
`text.encode(right).decode(wrong, "replace")` and set between two clean lines of the same
genre. Per class and genre:
- stage (`repair_mojibake` on the damaged document): paragraphs restored exactly; paragraphs
  whose every character is right or left as U+FFFD ("kept right"); characters right / left
  U+FFFD / wrong (a wrong guess or garbage left), over paragraphs the output aligns with;
- with --pipeline: `clean_text(damaged) == clean_text(original)` (exact) and exact apart from
  characters left as U+FFFD (marked), through the whole default pipeline.
With --holes: clean held-out paragraphs of every genre, each with 1-3 U+FFFD put at random
places (characters lost upstream, not cross-read): the paragraphs on which a cross-reading
repair fires (each one a false repair).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))

from repair_damage import SAMPLE  # noqa: E402

from benchmarks.repair_corpus import corpus  # noqa: E402

CLASSES = {  # kind -> (codec written, codec read, genres)
    "big5_as_gbk": ("big5", "gbk", ["classical_prose_hant", "poetry_hant"]),
    "gbk_as_big5": ("gbk", "big5", ["classical_prose_hans", "poetry_hans", "legal_hans", "tech_hans"]),
}


def held_out(genres: list[str], per_genre: int, codec: str, rng: random.Random) -> dict[str, list[str]]:
    sample_texts = {json.loads(line)["text"] for line in SAMPLE.read_text(encoding="utf-8").splitlines()}
    out: dict[str, list[str]] = {}
    for g, docs in corpus(genres).items():
        paras = []
        for _, text in docs:
            if text in sample_texts:
                continue
            for p in text.splitlines():
                p = p.strip()
                if 20 <= len(p) <= 300 and sum("\u4e00" <= c <= "\u9fff" for c in p) >= len(p) / 2:
                    try:
                        p.encode(codec)
                    except UnicodeEncodeError:
                        continue
                    paras.append(p)
        out[g] = rng.sample(paras, min(per_genre + 2, len(paras)))
    return out


def score(orig: str, got: str) -> tuple[int, int, int] | None:
    """(right, U+FFFD, wrong) characters when got aligns with orig, else None."""
    if len(got) != len(orig):
        return None
    right = sum(a == b for a, b in zip(orig, got))
    marked = sum(b == "\ufffd" and a != b for a, b in zip(orig, got))
    return right, marked, len(orig) - right - marked


def holes(per_genre: int, seed: int) -> None:
    from benchmarks.repair_corpus import GENRES
    from cleanse.repair import repair_mojibake
    from cleanse.repair.cjk import kinds
    rng = random.Random(seed)
    for g, ps in held_out([g for g in GENRES if g != "news_gov"], per_genre, "utf-8", rng).items():
        fired = []
        for p in ps:
            q = list(p)
            for _ in range(rng.randint(1, 3)):
                q.insert(rng.randrange(len(q) + 1), "\ufffd")
            got = repair_mojibake("".join(q))
            if any(r[0] in (kinds.BIG5_AS_GBK_RUN, kinds.GBK_AS_BIG5_RUN) for r in got.repairs):
                fired.append(("".join(q), got.text))
        print(f"holes {g:22s} paragraphs {len(ps):4d}  cross-reading repairs {len(fired)}", flush=True)
        for q, t in fired[:3]:
            print("   ", q[:60], "->", t[:60])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-genre", type=int, default=60)
    ap.add_argument("--pipeline", action="store_true")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--holes", action="store_true")
    a = ap.parse_args()
    if a.holes:
        holes(a.per_genre, a.seed)
        return
    from cleanse.defaults import clean_text
    from cleanse.repair import repair_mojibake
    for kind, (right, wrong, genres) in CLASSES.items():
        rng = random.Random(a.seed)
        for g, ps in held_out(genres, a.per_genre, right, rng).items():
            head, tail = ps[-1], ps[-2]
            n = exact = kept = aligned = 0
            chars = [0, 0, 0]
            pipe_exact = pipe_marked = 0
            for p in ps[:-2]:
                bad = p.encode(right).decode(wrong, "replace")
                if bad == p:
                    continue
                n += 1
                got = repair_mojibake(f"{head}\n{bad}\n{tail}").text.split("\n")
                got_p = got[1] if len(got) == 3 else None
                exact += got_p == p
                s = score(p, got_p) if got_p is not None else None
                if s is not None:
                    aligned += 1
                    kept += s[2] == 0
                    chars = [x + y for x, y in zip(chars, s)]
                if a.pipeline:
                    want, out = clean_text(f"{head}\n{p}\n{tail}"), clean_text(f"{head}\n{bad}\n{tail}")
                    pipe_exact += out == want
                    pipe_marked += out != want and len(out) == len(want) and all(
                        x == y or y == "\ufffd" for x, y in zip(want, out))
            total = sum(chars) or 1
            line = (f"{kind:12s} {g:22s} paragraphs {n:3d}  exact {exact:3d}  kept right {kept:3d}  aligned {aligned:3d}"
                    f"  chars right {100 * chars[0] / total:5.1f}% lost {100 * chars[1] / total:5.1f}%"
                    f" wrong {100 * chars[2] / total:5.2f}% ({chars[2]})")
            if a.pipeline:
                line += f"  pipeline exact {pipe_exact} (+{pipe_marked} marked)"
            print(line, flush=True)


if __name__ == "__main__":
    main()
