-- core.peer_rank: per indicator, measure, kind and fact year, each unit's value ranked among its peers
--
-- The numbers behind marts.indicator_comparison, which adds the indicator's name, the value's
-- qualifier and evidence (core.unit_indicator_value, by fact_id) to each row. Kept narrow on purpose:
-- every unit's rank is computed again when units join a group, and a table of the ranks alone is
-- written in a third of the time of one with the value's columns (100,000 reports: 2 million rows).
-- The unit, indicator, measure, kind, year and value are core.unit_indicator_value's row `fact_id`.
-- One row per unit × indicator × measure × kind (actual | target) × fact year × peer group.
-- Peers: units that report the same indicator in the same measure for the same kind and year —
-- a count in 件 is never compared with one in 人次. Each unit is compared twice:
--   peer_scope 'all'        with every such unit   (peer_group '全部')
--   peer_scope 'unit_level' with units of its level (peer_group 街道, 镇, 开发区 …; 未知 when unknown)
-- rank        dense_rank by value, largest first (1 = the largest; equal values share a rank),
--             whatever the indicator's direction
-- percentile  100 × the share of the other peers whose value is not above this unit's
--             (100 × (1 − percent_rank by value descending)): the largest = 100, the smallest = 0,
--             and units tied at a value share one percentile, so every unit ranked 1 has 100
--             (two units tied at the bottom of three have 50); NULL for a unit without peers
-- peer_median the median of the group's values
create or replace table core.peer_rank as
with unit_values as (
    select fact_id, indicator_code, measure_code, kind, fact_year, value,
           coalesce(unit_level, '未知') as level_group
    from core.unit_indicator_value
),

peer_rows as (
    select * exclude (level_group), 'all' as peer_scope, '全部' as peer_group
    from unit_values
    union all
    select * exclude (level_group), 'unit_level' as peer_scope, level_group as peer_group
    from unit_values
)

select
    fact_id,
    peer_scope,
    peer_group,
    count(*) over peers as peer_count,
    dense_rank() over (peers order by value desc) as rank,
    case
        when count(*) over peers > 1 then round(100 * (1 - percent_rank() over (peers order by value desc)), 1)
    end as percentile,
    median(value) over peers as peer_median
from peer_rows
window peers as (partition by indicator_code, measure_code, kind, fact_year, peer_scope, peer_group)
