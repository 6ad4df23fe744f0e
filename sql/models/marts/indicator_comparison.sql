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
-- The ranks are computed in core.peer_rank (a narrow table); this view adds the names, the value's
-- qualifier and its evidence when queried.
create or replace view marts.indicator_comparison as
select
    v.indicator_code,
    i.name_zh as indicator_name,
    v.measure_code,
    v.kind,
    v.fact_year,
    r.peer_scope,
    r.peer_group,
    v.unit_name,
    v.unit_level,
    v.value,
    v.value_high,
    v.qualifier,
    v.fact_count,
    r.peer_count,
    r.rank,
    r.percentile,
    r.peer_median,
    round(v.value / nullif(r.peer_median, 0), 3) as ratio_to_median,
    d.better,
    v.value_rule,
    v.evidence,
    v.source_file,
    v.unit_id
from core.peer_rank as r
inner join core.unit_indicator_value as v using (fact_id)
left join core.indicator_direction as d on d.indicator_code = v.indicator_code
left join core.dim_indicator as i on i.indicator_code = v.indicator_code
