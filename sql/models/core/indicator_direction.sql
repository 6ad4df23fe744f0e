-- core.indicator_direction: for every catalogue indicator, whether a higher or a lower value is better
--
-- Most indicators count work done or rates achieved: higher is better. Those that measure
-- something to avoid (lawsuits, lost cases, corrected decisions) say `lower` in the catalogue's
-- `better` column (transforms/data/indicators.csv), where an analyst sets it for a new indicator.
-- plan_vs_actual and year_over_year read it: a target of a lower-is-better indicator is met when
-- the actual is at most the target.
create or replace table core.indicator_direction as
select
    indicator_code,
    coalesce(nullif(trim(better), ''), 'higher') as better
from core.dim_indicator
