-- marts.indicator_comparison: per indicator, measure, kind and fact year, each unit's value ranked among its peers
--
-- One row per unit × indicator × measure × kind (actual | target) × fact year × peer group.
-- The unit's value is core.unit_indicator_value's (counts: the largest stated; rates: the most
-- stated; flagged facts left out); `fact_count` says how many facts stood behind it.
-- Peers: units that report the same indicator in the same measure for the same kind and year —
-- a count in 件 is never compared with one in 人次. Each unit is compared twice:
--   peer_scope 'all'        with every such unit   (peer_group '全部')
--   peer_scope 'unit_level' with units of its level (peer_group 街道, 镇, 开发区 …)
-- rank        dense_rank by value, largest first (1 = the largest; equal values share a rank),
--             whatever the indicator's direction: `better` says whether large is good
-- percentile  100 × the share of the other peers whose value is not above this unit's
--             (100 × (1 − percent_rank by value descending)): the largest = 100, the smallest = 0,
--             and units tied at a value share one percentile, so every unit ranked 1 has 100
--             (two units tied at the bottom of three have 50); NULL for a unit without peers
-- ratio_to_median  value / the peer group's median (NULL when the median is 0)
create or replace table marts.indicator_comparison as
with unit_values as (
    select v.*, coalesce(v.unit_level, '未知') as level_group, d.better, v.rowid as row_id
    from core.unit_indicator_value as v
    left join core.indicator_direction as d using (indicator_code)
),

-- the windows sort only the keys and the value; the wide columns (evidence …) join back after
peer_rows as (
    select row_id, indicator_code, measure_code, kind, fact_year, value, 'all' as peer_scope, '全部' as peer_group
    from unit_values
    union all
    select row_id, indicator_code, measure_code, kind, fact_year, value, 'unit_level' as peer_scope,
           level_group as peer_group
    from unit_values
),

ranked as (
    select
        row_id,
        peer_scope,
        peer_group,
        count(*) over peers as peer_count,
        dense_rank() over (peers order by value desc) as rank,
        percent_rank() over (peers order by value desc) as pct_above,
        median(value) over peers as peer_median
    from peer_rows
    window peers as (partition by indicator_code, measure_code, kind, fact_year, peer_scope, peer_group)
),

compared as (
    select u.*, r.* exclude (row_id)
    from ranked as r
    inner join unit_values as u using (row_id)
)

select
    c.indicator_code,
    i.name_zh as indicator_name,
    c.measure_code,
    c.kind,
    c.fact_year,
    c.peer_scope,
    c.peer_group,
    c.unit_name,
    c.unit_level,
    c.value,
    c.value_high,
    c.qualifier,
    c.fact_count,
    c.peer_count,
    c.rank,
    case when c.peer_count > 1 then round(100 * (1 - c.pct_above), 1) end as percentile,
    c.peer_median,
    round(c.value / nullif(c.peer_median, 0), 3) as ratio_to_median,
    c.better,
    c.value_rule,
    c.evidence,
    c.source_file,
    c.unit_id
from compared as c
left join core.dim_indicator as i using (indicator_code)
