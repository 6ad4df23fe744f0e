#!/usr/bin/env python3
"""`make mutations`: change each threshold and each precedence a little and count how many
changes some check catches.

Mutations (transforms.rulebook.mutations): every rule of kind `threshold` (or `weight`) set to
its value ×0.5, ×2, +1 and -1 (integers; none below zero), and every precedence table a stage
reads with `rules.order("x.csv")` with each adjacent pair of rows swapped. Each is applied with
rules.overridden and the fast check is run: every rule's cases and the five samples against
their gold, exactly (transforms.rulebook.Harness). A mutation is killed when some case or gold
line fails that passes as the rules are written.

Printed: every survivor (so someone can add the case that kills it), then killed/total.
Exit status 1 when fewer than MIN_KILLED of the mutations are killed.

    .venv/bin/python tests/mutations.py [--only ID-or-table,...] [-v]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from transforms import rulebook, rules  # noqa: E402

MIN_KILLED = 0.90


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", default="", help="comma-separated rule ids or table names")
    ap.add_argument("-v", "--verbose", action="store_true", help="also print what kills each mutation")
    a = ap.parse_args()

    t0 = time.perf_counter()
    h = rulebook.Harness()
    muts = [m for m in rulebook.mutations(h.rules) if not a.only or m.target in a.only.split(",")]
    print(f"{len(muts)} mutations of {len({m.target for m in muts})} thresholds and precedence tables "
          f"(baseline in {time.perf_counter() - t0:.1f} s)")
    if h.base_cases or h.base_gold:
        print(f"note: {len(h.base_cases)} cases and {len(h.base_gold)} gold lines fail as written "
              "(they cannot kill a mutation; see make rules)")
    survivors = []
    for m in muts:
        try:
            with rules.overridden(dict(m.overrides)):
                fails = h.failures(set(m.steps))
        except Exception as exc:  # noqa: BLE001 - a mutation that breaks a stage is caught by any test
            fails = [f"error: {type(exc).__name__}: {exc}"]
        if fails:
            if a.verbose:
                print(f"killed   {m.name}: {len(fails)} failure(s), e.g. {fails[0][:160]}")
        else:
            survivors.append(m)
            print(f"survived {m.name}")
    killed = len(muts) - len(survivors)
    rate = killed / len(muts) if muts else 1.0
    print(f"\n{killed}/{len(muts)} mutations killed ({rate:.0%}); {len(survivors)} survived; "
          f"{time.perf_counter() - t0:.1f} s")
    if survivors:
        print("survivors (add a case that the changed value breaks):")
        for m in survivors:
            print(f"    {m.name}")
    if rate < MIN_KILLED:
        print(f"below the minimum of {MIN_KILLED:.0%}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
