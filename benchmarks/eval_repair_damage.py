"""Exact-restoration rates of cjk_mojibake on the seeded synthetic damage (tests/repair_damage.py).

    PYTHONPATH=. python benchmarks/eval_repair_damage.py
"""
import sys, time
sys.path.insert(0, "tests")
from repair_damage import synthetic_cases, evaluate
from cleanse.repair import repair_mojibake
cases = synthetic_cases()
t = time.perf_counter()
res = evaluate(lambda s: repair_mojibake(s).text, cases)
for k, (a, b, c) in res.items():
    print(f"{k[0]:18s} {k[1]:8s} exact {a:4d}/{a+b+c:<4d} changed {b:3d} untouched {c:3d}")
print("time", time.perf_counter() - t)
