-- core.indicator_direction: for every catalogue indicator, whether a higher or a lower value is better
--
-- Most indicators count work done or rates achieved: higher is better. The exceptions are listed
-- below as data; an analyst adds a row here when a new indicator measures something to avoid
-- (lawsuits, lost cases, corrected decisions). plan_vs_actual and year_over_year read `better`:
-- a target of a lower-is-better indicator is met when the actual is at most the target.
-- (When the catalogue in transforms/data/indicators.csv gains a `better` column, read it instead.)
create or replace table core.indicator_direction as
with lower_is_better (indicator_code, reason) as (
    values
        ('litigation.admin_cases', 'fewer lawsuits against the unit'),
        ('litigation.admin_lost', 'fewer lawsuits lost'),
        ('litigation.loss_rate', 'a lower loss rate'),
        ('review.admin_cases', 'fewer reconsideration cases'),
        ('review.correction_rate', 'fewer decisions corrected on reconsideration')
)

select
    i.indicator_code,
    case when l.indicator_code is null then 'higher' else 'lower' end as better,
    l.reason
from core.dim_indicator as i
left join lower_is_better as l using (indicator_code)
