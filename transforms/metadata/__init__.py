"""Who reported, about which year, signed and published when: one REPORTS row per document.

Every field is read from what the report states. Several places may state it (the report's own
title line, its signature 落款, the page header's fields, the page title, the opening sentence,
the body); which is trusted first is declared in data/metadata_trust_<field>.csv (one table per
field, one row per source, `priority` lowest first, read with rules.order), not implied by the order of the code.
A field nothing states is NULL: "我镇" names no unit and the publication year is no report year.

The package by concern: `units` (what a unit's name is: suffixes, levels, parents written in
front; rules in data/unit_names.yaml), `subjects` (where a text names its unit), `parents`
(the division above a unit), `header` (header lines, fields, the title), `signature` (dates and
the 落款), `years`, `docnumber`; regexes and word lists are rules in data/metadata_rules.csv.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

import polars as pl

from transforms import rules
from transforms.metadata.docnumber import find_doc_number
from transforms.metadata.header import (
    find_title,
    glued_title,
    header_fields,
    header_lines,
    issuer_under_title,
    lines_of,
)
from transforms.metadata.parents import (
    addressed_parent,
    parent_named_in_text,
    parent_of_bare_level,
    parents_in_lines,
)
from transforms.metadata.patterns import limit, words
from transforms.metadata.signature import cover_signature, find_signature, header_stamp, parse_date
from transforms.metadata.subjects import (
    level_of_self_reference,
    page_title_unit,
    self_named_unit,
    unit_from_opening,
    unit_from_title,
    unit_reported_on,
    year_led_opening,
    zone_named_in_text,
)
from transforms.metadata.units import Unit, government_issuer, name_rules, parse_unit, yaml_rules
from transforms.metadata.years import heading_year, opening_year, page_year, year_from_dates, year_in_body, year_of
from transforms.places import PLACE_COLUMNS, resolve_places
from transforms.schemas import REPORTS, conform

__all__ = [
    "Unit", "extract_metadata", "find_doc_number", "find_signature", "find_title", "government_issuer",
    "header_fields", "header_lines", "metadata_row", "metadata_rules", "name_rules", "parse_unit", "trust_order",
    "unit_from_opening", "unit_from_title", "year_in_body",
]

# a unit's name as other sources write it, to find the parent written in front of it (not the
# self-naming fallback, which names a division by itself)
_NAMING_SOURCES = ("title", "signature", "field_title", "page_title", "opening", "reported_on", "publisher")


@rules.cached
def trust_order() -> dict[str, tuple[str, ...]]:
    """field -> its sources, most trusted first; a row switched off drops that source.

    One precedence table per field, so that swapping two neighbouring rows always reorders two
    sources of the same field (the mutation check), never two fields."""
    return {
        "unit": _sources("metadata_trust_unit.csv", rules.order("metadata_trust_unit.csv")),
        "parent": _sources("metadata_trust_parent.csv", rules.order("metadata_trust_parent.csv")),
        "report_year": _sources("metadata_trust_report_year.csv", rules.order("metadata_trust_report_year.csv")),
        "report_date": _sources("metadata_trust_report_date.csv", rules.order("metadata_trust_report_date.csv")),
        "published_on": _sources("metadata_trust_published_on.csv", rules.order("metadata_trust_published_on.csv")),
    }


def _sources(name: str, ids: list[str]) -> tuple[str, ...]:
    """The `source` of each rule id of a trust table, in the order given."""
    source = {r["rule_id"]: r["source"] for r in rules.table(name)}
    return tuple(source[i] for i in ids if i in source)


def metadata_rules() -> list[rules.Rule]:
    """The rules of unit_names.yaml as Rule objects (the CSV tables are found by the harness itself)."""
    return yaml_rules()


class _Sources:
    """Each source of a field computed once, on first ask (`<field>:<source>` -> a getter): a
    source later in the trust order is not read at all when an earlier one states the field."""

    def __init__(self) -> None:
        self.getters: dict[str, Callable[[], Any]] = {}
        self._done: dict[str, Any] = {}

    def __getitem__(self, key: str) -> Any:
        if key not in self._done:
            self._done[key] = self.getters[key]()
        return self._done[key]

    def first(self, field: str) -> Any:
        """The value of the most trusted source of `field` that states it."""
        for source in trust_order().get(field, ()):
            if (v := self[f"{field}:{source}"]) is not None:
                return v
        return None


def metadata_row(row: dict, headings: list[tuple[str, str]]) -> dict:
    """All REPORTS fields (plus parent_chain) of one document."""
    text = row.get("text") or ""
    lines = lines_of(text)
    header = header_lines(lines)
    fields = header_fields(header)
    title = find_title(header) or (glued_title(lines[0]) if lines and not header else None)
    field_title = next((fields[k] for k in words("META-TITLE-FIELD-KEYS") if fields.get(k)), None)
    opening = next((ln for ln in lines[len(header) :] if ln), "") if len(header) < len(lines) else ""
    page = page_title_unit(row.get("page_title"))
    closing = find_signature(lines)
    footer_lines = [ln for ln in lines[-limit("META-FOOTER-LINES") :] if len(ln) <= limit("META-FOOTER-LINE-LEN")]
    s = _Sources()
    s.getters |= {
        # a covering letter's 落款: its date is a source of the report's date (trusted after the
        # closing one's), its unit stands in for the closing 落款's only when that one has no date
        "cover": lambda: cover_signature(lines),
        "unit:title": lambda: unit_from_title(title) or issuer_under_title(header, title),
        "unit:signature": lambda: closing[0] or (s["cover"][0] if closing[1] is None else None),
        "unit:field_title": lambda: unit_from_title(field_title),
        "unit:page_title": lambda: page[1],
        "unit:opening": lambda: unit_from_opening(opening) or unit_from_opening(
            year_led_opening(lines[len(header) :]) or ""),
        "unit:reported_on": lambda: unit_reported_on(text),
        "unit:publisher": lambda: next((parse_unit(fields[k]) for k in words("META-PUBLISHER-KEYS") if k in fields),
                                       None),
        "unit:self_named": lambda: self_named_unit(text),
        "report_date:signature": lambda: closing[1],
        "report_date:cover": lambda: s["cover"][1],
        "report_date:signed_field": lambda: _field_date(fields, "META-SIGNED-KEYS"),
        "published_on:page": lambda: row.get("page_published_on"),
        "published_on:header_field": lambda: _field_date(fields, "META-PUBLISHED-KEYS"),
        "published_on:footer_field": lambda: _field_date(header_fields(footer_lines), "META-FOOTER-DATE-KEYS"),
        "published_on:stamp": lambda: parse_date(header_stamp(header)),
        "report_year:title": lambda: year_of(title),
        "report_year:heading": lambda: heading_year(headings),
        "report_year:opening": lambda: opening_year(opening),
        "report_year:page": lambda: page_year([t for t in (field_title, page[0]) if t], name_rules()["title"]),
        "report_year:body": lambda: year_in_body(text),
        "report_year:dates": lambda: year_from_dates(s.first("report_date"), s.first("published_on")),
    }
    unit: Unit | None = s.first("unit")
    if unit is not None:
        unit = zone_named_in_text(text, unit) or unit

    def written() -> tuple[str, ...] | None:
        """Divisions written in front of the unit's name: as the name that won writes it, else as
        another source writing the same unit does."""
        if unit.parents:
            return unit.parents
        source = next((fields[k] for k in words("META-SOURCE-KEYS") if fields.get(k)), None)
        # each source read only until one writes the unit with its parents (the getters are pure)
        named = (s[f"unit:{n}"] for n in trust_order().get("unit", ()) if n in _NAMING_SOURCES)
        other = next((u for u in itertools.chain(named, (parse_unit(source),))
                      if u and u.short == unit.short and u.parents), None)
        return other.parents if other else None

    if unit is not None:
        s.getters |= {
            "parent:written": written,
            "parent:header_line": lambda: parents_in_lines(header, unit) or None,
            "parent:addressee": lambda: (a,) if (a := addressed_parent(header, unit)) else None,
            # a town's county, or a 县司法局's county: the one the text names (never both for one unit)
            "parent:text": lambda: (n,) if (n := parent_named_in_text(text, unit) or parent_of_bare_level(text, unit))
            else None,
        }
    parents: tuple[str, ...] = (s.first("parent") or ()) if unit is not None else ()
    return {
        "source_file": row["source_file"],
        "unit_full_name": unit.full if unit else None,
        "unit_name": unit.short if unit else None,
        "unit_level": unit.level if unit else level_of_self_reference(text),
        "parent_name": parents[-1] if parents else None,
        "report_year": s.first("report_year"),
        "report_date": s.first("report_date"),
        "published_on": s.first("published_on"),
        "doc_number": find_doc_number(header, fields),
        "parent_chain": list(parents),
    }


def _field_date(fields: dict[str, str], keys_rule: str) -> dt.date | None:
    """The date of the first of a rule's keys (in its order of trust) whose field holds one."""
    return next((d for k in words(keys_rule) if (d := parse_date(fields.get(k)))), None)


def extract_metadata(docs: pl.DataFrame, sections: pl.DataFrame | None = None) -> pl.DataFrame:
    """REPORTS columns plus place_* columns (see places.py) and parent_chain, one row per document.

    `docs` needs source_file and text; page_title and page_published_on are used when present.
    `sections` (from transforms.sections) lends its headings' years when the title gives none.
    """
    headings: dict[str, list[tuple[str, str]]] = {}
    if sections is not None and sections.height:
        ordered = sections.sort("source_file", pl.col("section") == "next_year_plan", "section_no")
        for f, sec, h in ordered.select("source_file", "section", "heading").iter_rows():
            headings.setdefault(f, []).append((sec, h))
    cols = [c for c in ("source_file", "text", "page_title", "page_published_on") if c in docs.columns]
    rows = [metadata_row(r, headings.get(r["source_file"], [])) for r in docs.select(cols).iter_rows(named=True)]
    schema = dict(REPORTS) | {"parent_chain": pl.List(pl.String)}
    meta = pl.DataFrame(rows, schema=schema)
    with_text = meta.join(docs.select("source_file", "text"), on="source_file", how="left", maintain_order="left")
    placed = resolve_places(with_text).drop("text")
    return conform(placed, pl.Schema(schema | dict(PLACE_COLUMNS)))

