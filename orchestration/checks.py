"""Asset checks: blocking where bad data must not flow on to the published warehouse."""


import dagster as dg

from orchestration.resources import Warehouse

REPORT = dg.AssetKey(["core", "report"])
FACTS = dg.AssetKey(["core", "fact_indicator_value"])


def _check(warehouse: Warehouse, sql: str, what: str, sample_sql: str | None = None) -> dg.AssetCheckResult:
    """Pass when `sql` counts zero offending rows; show a few of them when it does not."""
    with warehouse.connect() as con:
        bad = int(con.execute(sql).fetchone()[0])
        sample = con.execute(sample_sql).fetchall()[:5] if bad and sample_sql else []
    return dg.AssetCheckResult(
        passed=bad == 0,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={"offending_rows": bad, "what": what, "sample": dg.MetadataValue.text(repr(sample))},
    )


@dg.asset_check(asset=REPORT, blocking=True, description="Every loaded report has a report year.")
def reports_have_year(warehouse: Warehouse) -> dg.AssetCheckResult:
    where = "from core.report where report_year is null"
    return _check(warehouse, f"select count(*) {where}", "reports without a year", f"select source_file {where}")


@dg.asset_check(asset=REPORT, blocking=False,
                description="Every loaded report has a unit. A report whose text never names its unit (only "
                            "我局/我镇, no title or signature) is kept with a NULL unit rather than a guess, and "
                            "stays out of the cross-unit comparisons; this check lists them.")
def reports_have_unit(warehouse: Warehouse) -> dg.AssetCheckResult:
    where = "from core.report where unit_name is null"
    result = _check(warehouse, f"select count(*) {where}", "reports whose unit is not named",
                    f"select source_file {where}")
    return dg.AssetCheckResult(passed=result.passed, severity=dg.AssetCheckSeverity.WARN, metadata=result.metadata)


@dg.asset_check(asset=REPORT, blocking=True, description="A report year is a plausible year.")
def report_years_plausible(warehouse: Warehouse) -> dg.AssetCheckResult:
    where = "from core.report where report_year not between 2000 and year(current_date) + 1"
    return _check(warehouse, f"select count(*) {where}", "implausible report years",
                  f"select source_file, report_year {where}")


@dg.asset_check(asset=FACTS, blocking=True, description="No fact is loaded twice.")
def facts_unique(warehouse: Warehouse) -> dg.AssetCheckResult:
    dup = "from (select fact_id from core.fact_indicator_value group by fact_id having count(*) > 1)"
    return _check(warehouse, f"select count(*) {dup}", "duplicate fact ids", f"select * {dup}")


@dg.asset_check(asset=FACTS, blocking=True,
                description="Every fact's indicator and measure exist in their dimensions.")
def facts_reference_dimensions(warehouse: Warehouse) -> dg.AssetCheckResult:
    where = """from core.fact_indicator_value f
               where f.indicator_code not in (select indicator_code from core.dim_indicator)
                  or f.measure_code not in (select measure_code from core.dim_measure)"""
    return _check(warehouse, f"select count(*) {where}", "facts with unknown indicator or measure",
                  f"select source_file, indicator_code, measure_code {where}")


@dg.asset_check(asset=FACTS, blocking=True,
                description="Rates lie within 0-100 unless the fact is flagged rate_over_100 (kept for "
                            "review, left out of comparisons).")
def rates_within_bounds(warehouse: Warehouse) -> dg.AssetCheckResult:
    where = """from core.fact_indicator_value
               where measure_code = 'percent' and (value < 0 or value > 100)
                 and not list_contains(coalesce(flags, []), 'rate_over_100')"""
    return _check(warehouse, f"select count(*) {where}", "unflagged rates outside 0-100",
                  f"select source_file, value, evidence {where}")


CHECKS = [reports_have_year, reports_have_unit, report_years_plausible, facts_unique, facts_reference_dimensions,
          rates_within_bounds]


@dg.asset_check(asset=FACTS, blocking=False,
                description="Facts whose numbers contradict each other (a rate off its own counts, a resolved "
                            "count above the screened one, a rate over 100): flagged, listed for review.")
def facts_consistent(warehouse: Warehouse) -> dg.AssetCheckResult:
    with warehouse.connect() as con:
        flagged = con.execute(
            """select flag, count(*) from (select unnest(flags) as flag from core.fact_indicator_value)
               group by flag order by flag"""
        ).fetchall()
        sample = con.execute(
            """select source_file, indicator_code, value, flags, evidence from core.fact_indicator_value
               where len(flags) > 0 limit 10"""
        ).fetchall()
    total = sum(n for _, n in flagged)
    return dg.AssetCheckResult(
        passed=total == 0,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"flagged_facts": total, "by_flag": dg.MetadataValue.json(dict(flagged)),
                  "sample": dg.MetadataValue.text("\n".join(map(repr, sample)))},
    )


CHECKS.append(facts_consistent)


@dg.asset_check(asset=dg.AssetKey(["core", "quarantine"]), blocking=False,
                description="Warns when this run set aside files (quarantined, or entries of the raw folder not "
                            "read) that were not set aside before, so a run that quarantined something is not "
                            "plain green. marts.file_status says why for each.")
def no_new_quarantines(warehouse: Warehouse) -> dg.AssetCheckResult:
    with warehouse.connect() as con:
        since = "(select max(scanned_at) from meta.scan)"
        new = con.execute(f"""
            select source_file, stage, reason from stage.quarantine where quarantined_at >= {since}
            union all
            select source_file, 'raw', reason from stage.raw_entries
            where reason is not null and first_seen >= {since}
            order by all""").fetchall()
    return dg.AssetCheckResult(
        passed=not new,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"new_set_aside": len(new),
                  "files": dg.MetadataValue.md("\n".join(f"- `{f}` ({st}): {why}" for f, st, why in new[:50])
                                               or "_none_")},
    )
CHECKS.append(no_new_quarantines)
