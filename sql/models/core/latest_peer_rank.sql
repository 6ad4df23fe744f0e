-- core.latest_peer_rank: per indicator and measure, each unit's latest actual value ranked among its peers
--
-- The numbers behind marts.indicator_latest, which adds the indicator's name, the value's qualifier
-- and evidence (core.unit_indicator_value, by fact_id) to each row; the ranks alone, for the reason
-- given in core.peer_rank. Units publish different years, so each unit's latest is compared: for every unit,
-- indicator and measure, the `actual` value of the latest fact_year the unit reports it for.
-- Peers, rank, percentile and median follow core.peer_rank's rules, with peers = units with the
-- same indicator in the same measure (any year). `peer_years` lists the years the group's values
-- come from: one year (2024) or a span (2022–2025).
create or replace table core.latest_peer_rank as
with latest_values as (
    select fact_id, unit_id, indicator_code, measure_code, fact_year, value,
           coalesce(unit_level, '未知') as level_group
    from core.unit_indicator_value
    where kind = 'actual'
    qualify fact_year = max(fact_year) over (partition by unit_id, indicator_code, measure_code)
),

peer_rows as (
    select * exclude (level_group), 'all' as peer_scope, '全部' as peer_group
    from latest_values
    union all
    select * exclude (level_group), 'unit_level' as peer_scope, level_group as peer_group
    from latest_values
),

ranked as (
    select
        *,
        count(*) over peers as peer_count,
        dense_rank() over (peers order by value desc) as rank,
        percent_rank() over (peers order by value desc) as pct_above,
        median(value) over peers as peer_median,
        min(fact_year) over peers as first_peer_year,
        max(fact_year) over peers as last_peer_year
    from peer_rows
    window peers as (partition by indicator_code, measure_code, peer_scope, peer_group)
)

select
    fact_id,
    peer_scope,
    peer_group,
    peer_count,
    rank,
    case when peer_count > 1 then round(100 * (1 - pct_above), 1) end as percentile,
    peer_median,
    case
        when first_peer_year = last_peer_year then first_peer_year::varchar
        else first_peer_year || '–' || last_peer_year
    end as peer_years
from ranked
