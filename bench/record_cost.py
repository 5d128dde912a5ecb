"""What a value class costs at start-up: `@dataclass(slots=True)` against smtptui's `@record`.

    python bench/record_cost.py [--classes 30] [--reps 5]

Each measurement runs in a fresh interpreter: the import of the decorator's module, then the
definition of N four-field classes (half of them frozen). Medians over --reps runs.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROGRAM = """
import sys, time
sys.path.insert(0, {root!r})
t0 = time.perf_counter()
{imports}
t1 = time.perf_counter()
for i in range({classes}):
    space = {{"__annotations__": {{"a": "int", "b": "str", "c": "float", "d": "bool"}},
              "a": 0, "b": "", "c": 0.0, "d": False}}
    {define}
t2 = time.perf_counter()
print((t1 - t0) * 1000, (t2 - t1) * 1000)
"""

KINDS = {
    "dataclass(slots=True)": ("import dataclasses",
                              "dataclasses.dataclass(slots=True, frozen=i % 2 == 0)("
                              "type(f'C{i}', (), space))"),
    "record": ("from smtptui.smtp.record import record",
               "record(type(f'C{i}', (), space), frozen=i % 2 == 0)"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--classes", type=int, default=30)
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()
    print(f"{'decorator':<24}{'import (ms)':>14}{f'{args.classes} classes (ms)':>20}")
    for name, (imports, define) in KINDS.items():
        code = PROGRAM.format(root=str(ROOT), imports=imports, classes=args.classes,
                              define=define)
        runs = [tuple(map(float, subprocess.run([sys.executable, "-c", code], check=True,
                                                capture_output=True, text=True).stdout.split()))
                for _ in range(args.reps)]
        print(f"{name:<24}{statistics.median(r[0] for r in runs):>14.2f}"
              f"{statistics.median(r[1] for r in runs):>20.2f}")


if __name__ == "__main__":
    main()
