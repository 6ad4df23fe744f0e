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
-- The ranks are computed in core.latest_peer_rank (a narrow table); this view adds the names, the
-- value's qualifier and its evidence when queried.
create or replace view marts.indicator_latest as
select
    v.indicator_code,
    i.name_zh as indicator_name,
    v.measure_code,
    r.peer_scope,
    r.peer_group,
    v.unit_name,
    v.unit_level,
    v.fact_year,
    v.value,
    v.value_high,
    v.qualifier,
    v.fact_count,
    r.peer_count,
    r.rank,
    r.percentile,
    r.peer_median,
    round(v.value / nullif(r.peer_median, 0), 3) as ratio_to_median,
    r.peer_years,
    d.better,
    v.value_rule,
    v.evidence,
    v.source_file,
    v.unit_id
from core.latest_peer_rank as r
inner join core.unit_indicator_value as v using (fact_id)
left join core.indicator_direction as d on d.indicator_code = v.indicator_code
left join core.dim_indicator as i on i.indicator_code = v.indicator_code
