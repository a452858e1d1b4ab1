"""Exact-restoration rates of cjk_mojibake on the seeded synthetic damage (tests/repair_damage.py).

    PYTHONPATH=. python benchmarks/eval_repair_damage.py

Columns: exact = original with each lost character restored or absent (what the test floors
use); strict = every lost character restored correctly too; then, over the cases that are
exact apart from what stands in the lost characters' places: lost characters guessed right,
removed, wrong character (a wrong guess, or a damaged character left in place), debris left
(ASCII `?` or letter, U+FFFD).
"""
import sys, time
sys.path.insert(0, "tests")
from repair_damage import synthetic_cases, restored, restored_strict, lost_outcome
from cleanse.repair import repair_mojibake
cases = synthetic_cases()
t = time.perf_counter()
rows: dict = {}
for c in cases:
    got = repair_mojibake(c.damaged).text
    r = rows.setdefault((c.kind, c.script), [0, 0, 0, 0, 0, 0, 0, 0, 0])
    r[0] += 1
    if restored(c, got):
        r[1] += 1
    elif got == c.damaged:
        r[7] += 1
    r[2] += restored_strict(c, got)
    lo = lost_outcome(c, got) if c.lost else None
    if lo:
        r[3] += lo[0]; r[4] += lo[1]; r[5] += lo[2]; r[8] += lo[3]
el = time.perf_counter() - t
for k, (n, ex, st, right, rem, wrong, _, unt, deb) in sorted(rows.items()):
    line = f"{k[0]:20s} {k[1]:8s} exact {ex:3d}/{n:<3d} {100*ex/n:5.1f}%  strict {st:3d}/{n:<3d} untouched {unt:3d}"
    if right + rem + wrong + deb:
        line += f"  lost: right {right:3d} removed {rem:3d} wrong char {wrong:3d} debris left {deb:3d}"
    print(line)
print("time", round(el, 2))
