-- marts.year_over_year: change per unit, indicator and measure between a year and the unit's previous reported year
--
-- One row per unit × indicator × measure × year that has an earlier `actual` value for the same
-- unit, indicator and measure (values as in core.unit_indicator_value: counts the largest, rates
-- the most stated, flagged facts left out). The pair is the year and the unit's latest earlier
-- year: consecutive years when the unit reported both (years_apart = 1), else the gap is shown.
--   change      value - prev_value (percentage points for rates, change_unit 'pp')
--   change_pct  change / prev_value × 100, NULL when prev_value is 0 or for rates
--   trend       up / down / same;  improved: the change goes the indicator's better way
create or replace view marts.year_over_year as
with actuals as (
    select v.*, d.better
    from core.unit_indicator_value as v
    left join core.indicator_direction as d using (indicator_code)
    where v.kind = 'actual'
),

paired as (
    select
        *,
        lag(fact_year) over unit_series as prev_year,
        lag(value) over unit_series as prev_value,
        lag(qualifier) over unit_series as prev_qualifier
    from actuals
    window unit_series as (partition by unit_id, indicator_code, measure_code order by fact_year)
)

select
    p.unit_name,
    p.unit_level,
    p.indicator_code,
    i.name_zh as indicator_name,
    p.measure_code,
    p.prev_year,
    p.fact_year as year,
    p.fact_year - p.prev_year as years_apart,
    p.prev_value,
    p.value,
    p.value - p.prev_value as change,
    case when p.measure_code = 'percent' then 'pp' else m.base_unit end as change_unit,
    case
        when p.measure_code <> 'percent' and p.prev_value <> 0
            then round(100 * (p.value - p.prev_value) / p.prev_value, 1)
    end as change_pct,
    case when p.value > p.prev_value then 'up' when p.value < p.prev_value then 'down' else 'same' end as trend,
    case
        when p.value = p.prev_value then null
        when p.better = 'lower' then p.value < p.prev_value
        else p.value > p.prev_value
    end as improved,
    p.prev_qualifier,
    p.qualifier,
    p.better,
    p.unit_id
from paired as p
left join core.dim_indicator as i on i.indicator_code = p.indicator_code
left join core.dim_measure as m on m.measure_code = p.measure_code
where p.prev_year is not null
