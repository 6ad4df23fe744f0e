-- marts.plan_vs_actual: each target a unit set for year N+1 beside what its N+1 report states: met / not met / no data
--
-- One row per unit × indicator × measure × target year. The target is the unit's `target` value
-- (a target fact's fact_year is report_year + 1); the actual is the unit's `actual` value of the
-- same indicator in the same measure for that year, from its N+1 report (one value per unit as
-- in core.unit_indicator_value: counts the largest, rates the most stated, flagged facts left out).
--   met      actual >= target, or actual <= target when lower is better — the indicator's
--            `better` is 'lower' (core.indicator_direction: lawsuits, losses, corrections) or the
--            target itself is a ceiling (qualifier at_most: "不超过", "以下"); for a range target
--            (1-2个) the low end must be reached, or the high end not exceeded when lower is better
--   not met  the actual misses the target
--   no data  no actual to compare: `no_data_reason` says whether the N+1 report is missing or
--            does not state the indicator in that measure
create or replace view marts.plan_vs_actual as
with targets as (
    select
        t.*,
        case when d.better = 'lower' or t.qualifier = 'at_most' then 'at_most' else 'at_least' end as comparison
    from core.unit_indicator_value as t
    left join core.indicator_direction as d using (indicator_code)
    where t.kind = 'target'
),

actuals as (
    select unit_id, indicator_code, measure_code, fact_year, value, qualifier, fact_count, evidence, source_file
    from core.unit_indicator_value
    where kind = 'actual'
),

followup_reports as (
    select unit_id, report_year, min(source_file) as source_file
    from core.report
    group by unit_id, report_year
)

select
    t.unit_name,
    t.unit_level,
    t.indicator_code,
    i.name_zh as indicator_name,
    t.measure_code,
    t.report_year as plan_year,
    t.fact_year as target_year,
    t.comparison,
    t.value as target_value,
    t.value_high as target_value_high,
    t.qualifier as target_qualifier,
    a.value as actual_value,
    a.qualifier as actual_qualifier,
    case
        when a.value is null then 'no data'
        when t.comparison = 'at_least' and a.value >= t.value then 'met'
        when t.comparison = 'at_most' and a.value <= coalesce(t.value_high, t.value) then 'met'
        else 'not met'
    end as status,
    case
        when a.value is not null then null
        when f.source_file is null then 'no report for ' || t.fact_year
        else 'not stated in the ' || t.fact_year || ' report'
    end as no_data_reason,
    t.evidence as target_evidence,
    a.evidence as actual_evidence,
    t.source_file as plan_source_file,
    coalesce(a.source_file, f.source_file) as actual_source_file,
    t.unit_id
from targets as t
left join actuals as a
    on a.unit_id = t.unit_id
   and a.indicator_code = t.indicator_code
   and a.measure_code = t.measure_code
   and a.fact_year = t.fact_year
left join followup_reports as f on f.unit_id = t.unit_id and f.report_year = t.fact_year
left join core.dim_indicator as i on i.indicator_code = t.indicator_code
