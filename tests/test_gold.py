"""Accuracy regression: the sample reports scored against their hand-made gold annotations.

`tests/score_gold.py` is a copy of the team's scorer and `tests/gold/` of the annotations,
so the project runs its own tests without ../shared.
"""

import duckdb
import pytest

from .conftest import GOLD
from .score_gold import score

# raised as extraction improves; a drop below these is a regression
MIN_FACT_F1 = 0.97
MIN_MENTION_F1 = 0.98
MIN_QUALIFIER = 0.95
MIN_METADATA = 0.95
MIN_SECTIONS = 1.0


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


def test_every_gold_report_is_loaded(scored):
    assert scored["missing_reports"] == []


def test_fact_and_mention_f1(scored):
    s = scored["summary"]
    misses = [m for f in scored["files"].values() for m in f["misses"]]
    assert s["fact"]["f1"] >= MIN_FACT_F1, misses
    assert s["mention"]["f1"] >= MIN_MENTION_F1, s["mention"]
    assert s["qualifier_accuracy"] >= MIN_QUALIFIER


def test_metadata_and_sections(scored):
    s = scored["summary"]
    wrong = [m for f in scored["files"].values() for m in f["meta_wrong"]]
    assert s["metadata_accuracy"] >= MIN_METADATA, wrong
    assert s["sections_accuracy"] >= MIN_SECTIONS, wrong
