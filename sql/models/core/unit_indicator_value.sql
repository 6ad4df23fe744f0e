-- core.unit_indicator_value: one value per unit, indicator, measure, kind and fact year, with the facts behind it
--
-- A report often states the same indicator more than once (a total and its sub-totals, a rate in
-- the summary and again in the detail). The rule that picks the unit's one value:
--   * counts, money and durations (measure kind count / money / duration): the largest value,
--     since reports repeat sub-totals and the total is the largest number stated;
--   * rates (measure kind ratio): the value stated most often; on a tie the value from the latest
--     report (report year, then publication or signing date, then file name), then the one stated
--     first in that report;
--   * left out: unclassified numbers, facts without a value, and flagged facts (flags not empty:
--     a rate over 100, an implausible count …), which stay in core.fact_indicator_value for review.
-- `fact_count` is how many facts stood behind the value, `distinct_values` how many different
-- numbers they gave; the chosen fact's qualifier, evidence and file are kept.
create or replace table core.unit_indicator_value as
with usable_facts as (
    select
        f.*,
        m.measure_kind,
        coalesce(r.published_on, r.report_date) as report_dated_on
    from core.fact_indicator_value as f
    inner join core.dim_measure as m using (measure_code)
    inner join core.report as r using (source_file)
    where f.indicator_code <> 'unclassified'
      and f.value is not null
      and coalesce(len(f.flags), 0) = 0
),

counted_facts as (
    select
        *,
        count(*) over (partition by unit_id, indicator_code, measure_code, kind, fact_year) as fact_count,
        count(distinct value) over (partition by unit_id, indicator_code, measure_code, kind, fact_year)
            as distinct_values,
        count(*) over (partition by unit_id, indicator_code, measure_code, kind, fact_year, value) as times_stated
    from usable_facts
),

ranked_facts as (
    select
        *,
        row_number() over (
            partition by unit_id, indicator_code, measure_code, kind, fact_year
            order by
                case when measure_kind = 'ratio' then times_stated end desc nulls last,
                case when measure_kind <> 'ratio' then value end desc nulls last,
                report_year desc,
                report_dated_on desc nulls last,
                source_file desc,
                char_start asc,
                fact_id  -- one sentence can state one number for two indicators: the same offsets
        ) as pick
    from counted_facts
)

select
    f.unit_id,
    u.unit_name,
    u.unit_level,
    f.indicator_code,
    f.measure_code,
    f.measure_kind,
    f.kind,
    f.fact_year,
    f.value,
    f.value_high,
    f.qualifier,
    case when f.measure_kind = 'ratio' then 'most stated' else 'largest' end as value_rule,
    f.fact_count,
    f.distinct_values,
    f.source_file,
    f.report_year,
    f.section,
    f.evidence,
    f.fact_id
from ranked_facts as f
inner join core.dim_unit as u using (unit_id)
where f.pick = 1
