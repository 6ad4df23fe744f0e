"""The rule engine's switches: every extraction rule has an id, and a stage asks here whether a
rule is on and what its threshold is, instead of keeping bare literals.

A rule is either a row of a rule table in `transforms/data/` (a CSV with a `rule_id` column:
cues, noise patterns, heading patterns, thresholds, precedence) or a named function of a stage
registered with `@rule(...)`. Each carries an example that must give its effect and a
counter-example that must not; `transforms.rulebook` collects them all and the harness
(tests/test_rules.py, `make rules`) runs them through the real stages.

Switching a rule off (`switched_off`, or REPORTS_RULES_OFF=id,id in the environment) and
overriding a threshold (`overridden`, or REPORTS_RULE_VALUES=id=value;id=value) exist for the
ablation and the mutation check only; a normal run uses the files as they are. Loaders whose
result depends on the rules are wrapped in `@cached`, so switching clears them.

This module names no data file on purpose: a stage's code version follows the data files its own
source names (orchestration.resources.code_version), and every stage imports this one.
"""

from __future__ import annotations

import csv
import functools
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

DATA = Path(__file__).with_name("data")
F = TypeVar("F", bound=Callable[..., Any])

# the fields every rule carries (a rule table's columns beyond its own)
CASE_FIELDS = ("example", "expect", "counter_example", "counter_expect", "why")


@dataclass(frozen=True)
class Rule:
    """One rule: what it does, where it lives, and the cases that prove it.

    `expect` must appear in the stage's rendering of `example` (see transforms.rulebook.render);
    `counter_expect` (defaulting to `expect`) must not appear in its rendering of `counter_example`.
    """

    id: str
    stage: str
    kind: str  # cue | vocabulary | noise | pattern | threshold | precedence | function
    effect: str
    source: str  # the data file or module:function that holds it
    priority: int | None = None
    value: str | None = None  # a threshold's value, as written in its table
    example: str = ""
    expect: str = ""
    counter_example: str = ""
    counter_expect: str = ""
    why: str = ""


_registered: dict[str, Rule] = {}
_off: set[str] = set()
_values: dict[str, str] = {}
_caches: list[Callable[..., Any]] = []


def _env_off() -> frozenset[str]:
    return _parse_off(os.environ.get("REPORTS_RULES_OFF", ""))


@functools.lru_cache(maxsize=16)
def _parse_off(raw: str) -> frozenset[str]:
    """The ids a REPORTS_RULES_OFF value names, parsed once per value (enabled() asks ~6 times a report)."""
    return frozenset(x.strip() for x in raw.split(",") if x.strip())


def _env_values() -> dict[str, str]:
    pairs = [p.split("=", 1) for p in os.environ.get("REPORTS_RULE_VALUES", "").split(";") if "=" in p]
    return {k.strip(): v.strip() for k, v in pairs}


def enabled(rule_id: str) -> bool:
    """False while the rule is switched off (ablation); True otherwise."""
    return rule_id not in _off and rule_id not in _env_off()


def cached(fn: F) -> F:
    """functools.cache for loaders that read rule tables: cleared whenever rules are switched."""
    wrapped = functools.cache(fn)
    _caches.append(wrapped)
    return wrapped  # type: ignore[return-value]


def clear_caches() -> None:
    for fn in _caches:
        fn.cache_clear()  # type: ignore[attr-defined]
    _table.cache_clear()


@contextmanager
def switched_off(*rule_ids: str) -> Iterator[None]:
    """Run the block with these rules off (the ablation of `make rules`)."""
    before = set(_off)
    _off.update(rule_ids)
    clear_caches()
    try:
        yield
    finally:
        _off.clear()
        _off.update(before)
        clear_caches()


@contextmanager
def overridden(values: dict[str, object]) -> Iterator[None]:
    """Run the block with thresholds (rule id -> value) or precedence tables (table name ->
    "id,id,...") set to other values: the mutation check."""
    before = dict(_values)
    _values.update({k: str(v) for k, v in values.items()})
    clear_caches()
    try:
        yield
    finally:
        _values.clear()
        _values.update(before)
        clear_caches()


@functools.cache
def _table(name: str) -> tuple[dict[str, str], ...]:
    with (DATA / name).open(encoding="utf-8", newline="") as f:
        return tuple(csv.DictReader(f))


def table(name: str) -> list[dict[str, str]]:
    """The rows of a rule table in transforms/data/ whose rules are on (every row when the table
    has no `rule_id` column). Call it with the file's literal name, so the stage's code version
    follows that file."""
    rows = _table(name)
    return [dict(r) for r in rows if not r.get("rule_id") or enabled(r["rule_id"])]


def value(name: str, rule_id: str) -> str:
    """A threshold's value from the rule table `name` (a row with that rule_id and a `value`),
    or its override. A threshold that is switched off is an error: switch off the rule it bounds."""
    if rule_id in _values:
        return _values[rule_id]
    if rule_id in _env_values():
        return _env_values()[rule_id]
    for r in _table(name):
        if r.get("rule_id") == rule_id:
            return r["value"]
    raise KeyError(f"no rule {rule_id} in {name}")


def number(name: str, rule_id: str) -> int:
    """An integer threshold (see `value`)."""
    return int(float(value(name, rule_id)))


def words(name: str, rule_id: str, column: str = "value") -> list[str]:
    """A word list kept in one rule row (space-separated in `column`); empty while the rule is off."""
    if not enabled(rule_id):
        return []
    if column == "value":
        return value(name, rule_id).split()
    for r in _table(name):
        if r.get("rule_id") == rule_id:
            return (r.get(column) or "").split()
    raise KeyError(f"no rule {rule_id} in {name}")


def order(name: str, rule_ids: list[str] | None = None) -> list[str]:
    """The rule ids of a precedence table in declared order (its `priority` column, lowest
    first; rows without a priority, such as thresholds in the same table, are not in it), those
    switched off left out; REPORTS_RULE_VALUES=<table>=id,id,... overrides."""
    if name in _values or name in _env_values():
        ids = (_values.get(name) or _env_values()[name]).split(",")
    else:
        rows = sorted((r for r in _table(name) if r.get("priority")), key=lambda r: float(r["priority"]))
        ids = [r["rule_id"] for r in rows]
    return [i for i in ids if enabled(i) and (rule_ids is None or i in rule_ids)]


def rule(id: str, stage: str, effect: str, example: str, expect: str, counter_example: str = "",
         counter_expect: str = "", why: str = "", kind: str = "function") -> Callable[[F], F]:
    """Register a function of a stage as a rule with its cases. The function itself checks
    `enabled(id)` where it applies the rule (a rule that is off must change the output)."""
    def deco(fn: F) -> F:
        _registered[id] = Rule(id=id, stage=stage, kind=kind, effect=effect,
                               source=f"{fn.__module__}:{fn.__qualname__}", example=example, expect=expect,
                               counter_example=counter_example, counter_expect=counter_expect, why=why)
        return fn
    return deco


def registered() -> dict[str, Rule]:
    """The function rules registered so far (import the stage modules first)."""
    return dict(_registered)


def table_rules(name: str, stage: str, kind_column: str | None = None, default_kind: str = "cue",
                effect_column: str | None = None) -> list[Rule]:
    """The rules of a rule table, one per row with a rule_id (all rows, switched off or not)."""
    out = []
    for r in _table(name):
        if not r.get("rule_id"):
            continue
        out.append(Rule(
            id=r["rule_id"], stage=r.get("stage") or stage,
            kind=(r.get(kind_column) if kind_column else None) or r.get("kind") or default_kind,
            effect=(r.get(effect_column) if effect_column else None) or r.get("effect") or r.get("note") or "",
            source=f"transforms/data/{name}",
            priority=int(float(r["priority"])) if r.get("priority") else None,
            value=r.get("value") or None,
            **{k: r.get(k) or "" for k in CASE_FIELDS}))
    return out
