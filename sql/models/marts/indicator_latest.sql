-- marts.indicator_latest: per indicator and measure, each unit's latest reported value ranked among its peers
--
-- Units publish different years, so this compares each unit's latest year: for every unit,
-- indicator and measure, the `actual` value of the latest fact_year the unit reports it for
-- (`fact_year` shows which). Values, rank, percentile, median and ratio follow the rules of
-- marts.indicator_comparison: one value per unit (counts: the largest; rates: the most stated;
-- flagged facts left out), peers = units with the same indicator in the same measure, dense rank
-- largest first, percentile = 100 × the share of the other peers not above the unit (ties share
-- it: every unit ranked 1 has 100; NULL without peers), peer groups
-- 'all' and 'unit_level'. `peer_years` lists the years the group's values come from.
create or replace table marts.indicator_latest as
with latest_values as (
    select v.*, coalesce(v.unit_level, '未知') as level_group, d.better, v.rowid as row_id
    from core.unit_indicator_value as v
    left join core.indicator_direction as d using (indicator_code)
    where v.kind = 'actual'
    qualify fact_year = max(fact_year) over (partition by unit_id, indicator_code, measure_code)
),

-- the windows sort only the keys and the value; the wide columns (evidence …) join back after
peer_rows as (
    select row_id, indicator_code, measure_code, fact_year, value, 'all' as peer_scope, '全部' as peer_group
    from latest_values
    union all
    select row_id, indicator_code, measure_code, fact_year, value, 'unit_level' as peer_scope,
           level_group as peer_group
    from latest_values
),

ranked as (
    select
        row_id,
        peer_scope,
        peer_group,
        count(*) over peers as peer_count,
        dense_rank() over (peers order by value desc) as rank,
        percent_rank() over (peers order by value desc) as pct_above,
        median(value) over peers as peer_median,
        min(fact_year) over peers as first_peer_year,
        max(fact_year) over peers as last_peer_year
    from peer_rows
    window peers as (partition by indicator_code, measure_code, peer_scope, peer_group)
),

compared as (
    select u.*, r.* exclude (row_id)
    from ranked as r
    inner join latest_values as u using (row_id)
)

select
    c.indicator_code,
    i.name_zh as indicator_name,
    c.measure_code,
    c.peer_scope,
    c.peer_group,
    c.unit_name,
    c.unit_level,
    c.fact_year,
    c.value,
    c.value_high,
    c.qualifier,
    c.fact_count,
    c.peer_count,
    c.rank,
    case when c.peer_count > 1 then round(100 * (1 - c.pct_above), 1) end as percentile,
    c.peer_median,
    round(c.value / nullif(c.peer_median, 0), 3) as ratio_to_median,
    case
        when c.first_peer_year = c.last_peer_year then c.first_peer_year::varchar
        else c.first_peer_year || '–' || c.last_peer_year
    end as peer_years,
    c.better,
    c.value_rule,
    c.evidence,
    c.source_file,
    c.unit_id
from compared as c
left join core.dim_indicator as i using (indicator_code)
