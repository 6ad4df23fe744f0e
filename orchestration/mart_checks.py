"""Asset checks on the analysis marts: the comparisons keep their own rules.

Each check counts offending rows with one SQL query over the mart and passes at zero (the three
checks of each comparison mart share one pass over it); when it fails, a few of the offending rows
are shown in the check's metadata. They block: a mart that compares a unit across measures or ranks
outside its peer group must not reach the published warehouse. Register them with
`asset_checks=[*CHECKS, *MART_CHECKS]` in definitions.py.
"""

from collections.abc import Iterator

import dagster as dg

from orchestration.resources import Warehouse

COMPARISON = dg.AssetKey(["marts", "indicator_comparison"])
LATEST = dg.AssetKey(["marts", "indicator_latest"])
SCORECARD = dg.AssetKey(["marts", "unit_scorecard"])
COMPLIANCE = dg.AssetKey(["marts", "section_compliance"])
PLAN = dg.AssetKey(["marts", "plan_vs_actual"])
YOY = dg.AssetKey(["marts", "year_over_year"])
THEMES = dg.AssetKey(["marts", "shortcoming_themes"])

# the columns that make a peer group in each comparison mart
PEER_KEYS = {
    "marts.indicator_comparison": "indicator_code, measure_code, kind, fact_year, peer_scope, peer_group",
    "marts.indicator_latest": "indicator_code, measure_code, peer_scope, peer_group",
}


def _result(bad: int, what: str, sample: list, name: str | None = None,
            asset: dg.AssetKey | None = None) -> dg.AssetCheckResult:
    """Passed at zero offending rows; the count, what they are and a few of them in the metadata."""
    return dg.AssetCheckResult(
        check_name=name, asset_key=asset, passed=bad == 0, severity=dg.AssetCheckSeverity.ERROR,
        metadata={"offending_rows": bad, "what": what, "sample": dg.MetadataValue.text(repr(sample))},
    )


def _check(warehouse: Warehouse, offending_sql: str, what: str) -> dg.AssetCheckResult:
    """Pass when `offending_sql` (a select of offending rows) returns none; show a few when it does."""
    with warehouse.connect() as con:
        bad = int(con.execute(f"select count(*) from ({offending_sql})").fetchone()[0])
        sample = con.execute(f"select * from ({offending_sql}) limit 5").fetchall() if bad else []
    return _result(bad, what, sample)


# a rate outside 0-100, or a percentile outside 0-100 (flagged facts are left out upstream)
_OUT_OF_BOUNDS = "(measure_code = 'percent' and (value < 0 or value > 100)) or percentile < 0 or percentile > 100"
# ranks not 1..n without gaps (n distinct values), beyond the peer count, or peer counts that differ
_DENSE_BROKEN = ("min_rank <> 1 or max_rank <> n_values or max_rank > min_peer_count "
                 "or min_peer_count <> max_peer_count")
# a peer count other than the group's own number of rows, or a unit listed twice: units compared
# across measures (or counted twice)
_ONE_BROKEN = "min_peer_count <> n_rows or max_peer_count <> n_rows or n_units <> n_rows"


def peer_groups_sql(table: str) -> str:
    """One row per peer group of a comparison mart with what its three checks test: one pass of group
    by over the mart (a view that joins the ranks to the values: each check reading it again cost
    ~0.3 s at 100,000 reports, and two windows over every row twice the group by's time)."""
    keys = PEER_KEYS[table]
    return f"""
        select {keys}, min(rank) as min_rank, max(rank) as max_rank, count(distinct value) as n_values,
               min(peer_count) as min_peer_count, max(peer_count) as max_peer_count, count(*) as n_rows,
               count(distinct unit_id) as n_units, count(*) filter (where {_OUT_OF_BOUNDS}) as out_of_bounds
        from {table}
        group by {keys}
    """


def latest_year_sql(table: str = "marts.indicator_latest") -> str:
    """Rows of indicator_latest whose year is not the unit's latest actual year for the indicator and measure."""
    return f"""
        select l.unit_name, l.indicator_code, l.measure_code, l.peer_scope, l.fact_year, m.latest_year
        from {table} as l
        inner join (
            select unit_id, indicator_code, measure_code, max(fact_year) as latest_year
            from core.unit_indicator_value
            where kind = 'actual'
            group by unit_id, indicator_code, measure_code
        ) as m using (unit_id, indicator_code, measure_code)
        where l.fact_year < m.latest_year
    """


def peer_group_results(warehouse: Warehouse, table: str, asset: dg.AssetKey, prefix: str,
                       latest: bool = False) -> list[dg.AssetCheckResult]:
    """The three checks of a comparison mart (`<prefix>_ranks_dense`, `_one_measure`,
    `_percentages_bounded`) from one pass over it; a failing check's sample from the groups kept
    (the rows outside 0-100 read again, only when there are any)."""
    with warehouse.connect() as con:
        con.execute(f"create temp table _groups as {peer_groups_sql(table)}")
        dense, one, bounds = (int(n) for n in con.execute(
            f"select count(*) filter (where {_DENSE_BROKEN}), count(*) filter (where {_ONE_BROKEN}), "
            "coalesce(sum(out_of_bounds), 0) from _groups").fetchone())
        late = int(con.execute(f"select count(*) from ({latest_year_sql(table)})").fetchone()[0]) if latest else 0

        def sample(sql: str, bad: int) -> list:
            return con.execute(f"select * from ({sql}) limit 5").fetchall() if bad else []

        groups = "select * exclude (out_of_bounds) from _groups where "
        rows = f"select unit_name, indicator_code, value, percentile from {table} where {_OUT_OF_BOUNDS}"
        return [
            _result(dense, "peer groups with broken ranks", sample(groups + _DENSE_BROKEN, dense),
                    f"{prefix}_ranks_dense", asset),
            _result(one + late, "peer groups across measures or with a unit twice"
                    + (", and rows not of the unit's latest year" if latest else ""),
                    sample(groups + _ONE_BROKEN, one) + sample(latest_year_sql(table), late),
                    f"{prefix}_one_measure", asset),
            _result(bounds, "rates or percentiles outside 0-100", sample(rows, bounds),
                    f"{prefix}_percentages_bounded", asset),
        ]


def _peer_group_checks(table: str, asset: dg.AssetKey, prefix: str, one_measure: str, bounded: str,
                       latest: bool = False) -> dg.AssetChecksDefinition:
    """The multi-asset check of one comparison mart: its three blocking checks from one pass."""
    specs = [
        dg.AssetCheckSpec(f"{prefix}_ranks_dense", asset=asset, blocking=True,
                          description="Ranks are dense (1..number of distinct values) and within the peer count."),
        dg.AssetCheckSpec(f"{prefix}_one_measure", asset=asset, blocking=True, description=one_measure),
        dg.AssetCheckSpec(f"{prefix}_percentages_bounded", asset=asset, blocking=True, description=bounded),
    ]

    @dg.multi_asset_check(name=f"marts__{table.split('.')[1]}_checks", specs=specs)
    def _checks(warehouse: Warehouse) -> Iterator[dg.AssetCheckResult]:
        yield from peer_group_results(warehouse, table, asset, prefix, latest=latest)

    return _checks


comparison_checks = _peer_group_checks(
    "marts.indicator_comparison", COMPARISON, "comparison",
    "No unit is compared across measures: each peer group holds one measure, each unit once.",
    "Rates and percentiles lie within 0-100 (flagged facts are left out upstream).")
latest_checks = _peer_group_checks(
    "marts.indicator_latest", LATEST, "latest",
    "No unit is compared across measures, and each unit once per group, in its latest year.",
    "Rates and percentiles lie within 0-100.", latest=True)


@dg.asset_check(asset=SCORECARD, blocking=True,
                description="One row per unit and year; its rate columns lie within 0-100.")
def scorecard_unique_and_bounded(warehouse: Warehouse) -> dg.AssetCheckResult:
    return _check(warehouse, """
        select unit_id, year, count(*) as n from marts.unit_scorecard group by unit_id, year having count(*) > 1
        union all
        select unit_id, year, 0 from marts.unit_scorecard
        where not (coalesce(dispute_rate, 0) between 0 and 100
                   and coalesce(court_appearance_rate, 0) between 0 and 100
                   and coalesce(exam_pass_rate, 0) between 0 and 100)
    """, "repeated unit-years or rates outside 0-100")


@dg.asset_check(asset=COMPLIANCE, blocking=True,
                description="One row per loaded report; parts present and missing add up to five; "
                            "on_time agrees with the 1 April rule.")
def compliance_consistent(warehouse: Warehouse) -> dg.AssetCheckResult:
    return _check(warehouse, """
        select source_file, 'not one row per report' as why from core.report as r
        where (select count(*) from marts.section_compliance as c where c.source_file = r.source_file) <> 1
        union all
        select source_file, 'parts do not add up' from marts.section_compliance
        where parts_present + len(missing_parts) <> 5
           or all_parts <> (parts_present = 5)
        union all
        select source_file, 'on_time disagrees with its dates' from marts.section_compliance
        where on_time is distinct from (coalesce(published_on, report_date) <= make_date(report_year + 1, 4, 1))
    """, "reports with inconsistent compliance rows")


@dg.asset_check(asset=PLAN, blocking=True,
                description="Status is met / not met / no data, agrees with the values, and a target "
                            "lies one year after its plan.")
def plan_status_consistent(warehouse: Warehouse) -> dg.AssetCheckResult:
    return _check(warehouse, """
        select unit_name, indicator_code, target_year, status from marts.plan_vs_actual
        where status not in ('met', 'not met', 'no data')
           or (status = 'no data') <> (actual_value is null)
           or target_year <> plan_year + 1
           or (status = 'met' and comparison = 'at_least' and actual_value < target_value)
           or (measure_code = 'percent' and (target_value not between 0 and 100
                                              or actual_value not between 0 and 100))
    """, "plan rows with an inconsistent status")


@dg.asset_check(asset=YOY, blocking=True,
                description="Each change pairs a later year with an earlier one of the same unit, "
                            "indicator and measure, once.")
def yoy_pairs_ordered(warehouse: Warehouse) -> dg.AssetCheckResult:
    return _check(warehouse, """
        select unit_id, indicator_code, measure_code, year, count(*) as n from marts.year_over_year
        group by unit_id, indicator_code, measure_code, year
        having count(*) > 1 or min(years_apart) < 1 or bool_or(change <> value - prev_value)
    """, "repeated or misordered year pairs")


@dg.asset_check(asset=THEMES, blocking=True,
                description="Every theme admitted is a theme of the seed, and its reach is within the "
                            "units that have a shortcomings part.")
def themes_known_and_bounded(warehouse: Warehouse) -> dg.AssetCheckResult:
    # what is checked is the same on every row of a theme: one row per theme (the view is computed once
    # either way, but without the per-row columns)
    return _check(warehouse, """
        select distinct theme, units_admitting, units_with_part, pct_units_admitting from marts.shortcoming_themes
        where theme not in (select theme from stage.seed_themes)
           or units_admitting > units_with_part
           or pct_units_admitting not between 0 and 100
    """, "unknown themes or reach beyond the units with a shortcomings part")


MART_CHECKS = [
    comparison_checks,
    latest_checks,
    scorecard_unique_and_bounded,
    compliance_consistent,
    plan_status_consistent,
    yoy_pairs_ordered,
    themes_known_and_bounded,
]
