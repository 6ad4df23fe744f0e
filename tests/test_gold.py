"""Accuracy regression: the sample reports scored against their hand-made gold annotations.

`tests/score_gold.py` is a copy of the team's scorer and `tests/gold/` of the annotations,
so the project runs its own tests without ../shared.
"""

import duckdb
import pytest

from .conftest import GOLD
from .score_gold import score

# the samples score 1.000 on every measure: anything less is a regression, shown line by line
EXACT = 1.0


@pytest.fixture(scope="module")
def scored(built):
    _, warehouse, _ = built
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        facts = con.execute("select * from marts.report_facts").pl().to_dicts()
        overview = con.execute("select * from marts.report_overview").pl().to_dicts()
    finally:
        con.close()
    return score(GOLD, facts, overview)


def _diff(scored: dict) -> str:
    lines = [f"{f}: {m}" for f, r in scored["files"].items() for m in r["misses"] + r["meta_wrong"]]
    return "\n".join([str(scored["summary"]), *lines])


def test_every_gold_report_is_loaded(scored):
    assert scored["missing_reports"] == []


def test_fact_and_mention_f1(scored):
    s = scored["summary"]
    assert s["fact"]["f1"] == EXACT, _diff(scored)
    assert s["mention"]["f1"] == EXACT, _diff(scored)
    assert s["qualifier_accuracy"] == EXACT, _diff(scored)


def test_metadata_and_sections(scored):
    s = scored["summary"]
    assert s["metadata_accuracy"] == EXACT, _diff(scored)
    assert s["sections_accuracy"] == EXACT, _diff(scored)
