-- core.dim_year: every year a report or a fact speaks of
create or replace table core.dim_year as
with years as (
    select report_year as year from core.report
    union
    select fact_year from core.fact_indicator_value
)

select
    year,
    (select count(*) from core.report as r where r.report_year = years.year) as reports,
    (select count(*) from core.fact_indicator_value as f where f.fact_year = years.year) as facts
from years
where year is not null
order by year
