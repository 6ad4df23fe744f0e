-- core.dim_unit: one row per reporting unit (short name within its parent), latest names kept
create or replace table core.dim_unit as
select
    unit_id,
    arg_max(unit_name, report_year) as unit_name,
    arg_max(unit_full_name, report_year) as unit_full_name,
    arg_max(unit_level, report_year) as unit_level,
    arg_max(parent_name, report_year) as parent_name,
    count(*) as report_count,
    min(report_year) as first_year,
    max(report_year) as last_year
from core.report
group by unit_id
