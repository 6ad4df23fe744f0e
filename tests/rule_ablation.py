#!/usr/bin/env python3
"""`make rules`: switch each rule off in turn and show which cases fail without it.

For every rule (transforms.rulebook.all_rules) the rule is switched off (rules.switched_off)
and ALL rules' cases are run again, with the five samples against their gold (exact), redoing
only the stages the rule can reach. A threshold cannot be switched off: its values ×0.5, ×2 and
±1 are tried instead (the mutations of tests/mutations.py). A rule is needed when some case
fails without it; the samples' gold is shown too but is no case of its own.

Printed: per rule, the cases (and gold lines) that fail when it is off; at the end the rules no
case needs, and (informational, or failing with --strict) the rules whose own cases (example
or counter-example) do not need them. Exit status 1 when some rule no case needs, 0 otherwise.

    .venv/bin/python tests/rule_ablation.py [--only ID,ID] [--stage indicators] [--full] [--strict] [-v]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from transforms import rulebook, rules  # noqa: E402

SHOWN = 6  # failing lines printed per rule (all with -v)


def _case_of(line: str) -> str:
    """A failure line without the `[value -> value] ` a threshold's line starts with."""
    return line.split("] ", 1)[1] if line.startswith("[") else line


def ablate(h: rulebook.Harness, rule: rules.Rule, full: bool) -> tuple[list[str], str]:
    """The lines that newly fail without `rule` (or with its value changed), and how it was taken away."""
    steps = set(rulebook.STEP_INPUTS) if full else rulebook.steps_reached(rule)
    if rule.kind in rulebook.THRESHOLD_KINDS and rule.value is not None:
        out: list[str] = []
        for v in rulebook.mutated_values(rule.value):
            with rules.overridden({rule.id: v}):
                out += [f"[{rule.value} -> {v}] {f}" for f in h.failures(steps)]
        return out, "value changed"
    with rules.switched_off(rule.id):
        return h.failures(steps), "switched off"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", default="", help="comma-separated rule ids")
    ap.add_argument("--stage", default="", help="only the rules of this stage")
    ap.add_argument("--full", action="store_true", help="redo every stage for every rule (slower)")
    ap.add_argument("--strict", action="store_true", help="also fail when a rule's own cases do not need it")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()

    t0 = time.perf_counter()
    h = rulebook.Harness()
    t_base = time.perf_counter() - t0
    chosen = [r for r in h.rules if (not a.only or r.id in a.only.split(",")) and (not a.stage or r.stage == a.stage)]
    print(f"{len(h.rules)} rules, {len(h.texts)} case texts; baseline in {t_base:.1f} s")
    if h.base_cases:
        print(f"\nfailing with every rule on ({len(h.base_cases)}): see tests/test_rules.py")
        for f in sorted(h.base_cases):
            print(f"    {f}")
    if h.base_gold:
        print(f"\nthe samples differ from their gold with every rule on ({len(h.base_gold)}):")
        for g in sorted(h.base_gold):
            print(f"    {g}")
    print()

    no_case: list[tuple[str, bool]] = []
    not_own: list[str] = []
    for r in chosen:
        lines, how = ablate(h, r, a.full)
        case_lines = [x for x in lines if "gold: " not in x]
        gold_lines = [x for x in lines if "gold: " in x]
        own = any(_case_of(x).startswith(f"{r.id}: ") for x in case_lines)
        print(f"{r.id}  ({r.stage}, {r.kind}, {r.source}) {how}: {len(case_lines)} case(s), "
              f"{len(gold_lines)} gold line(s) fail{'' if own else '; its own cases do not need it'}")
        for x in lines if a.verbose else lines[:SHOWN]:
            print(f"    {x}")
        if not a.verbose and len(lines) > SHOWN:
            print(f"    … {len(lines) - SHOWN} more (-v)")
        if not case_lines:
            no_case.append((r.id, bool(gold_lines)))
        if not own:
            not_own.append(r.id)

    elapsed = time.perf_counter() - t0
    print(f"\n{len(chosen)} rules ablated in {elapsed:.1f} s")
    if not_own:
        print(f"\nrules whose own cases do not need them ({len(not_own)}): {', '.join(not_own)}")
    if no_case:
        print(f"\nrules no case needs ({len(no_case)}):")
        for rid, gold in no_case:
            print(f"    {rid}{'  (only the samples gold needs it: give it a case)' if gold else ''}")
    else:
        print("\nrules no case needs: none")
    return 1 if no_case or (a.strict and not_own) else 0


if __name__ == "__main__":
    sys.exit(main())
