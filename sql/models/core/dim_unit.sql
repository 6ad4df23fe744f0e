-- core.dim_unit: one row per reporting unit (short name within its parent), latest names kept
create or replace table core.dim_unit as
select
    unit_id,
    arg_max(unit_name, report_year) as unit_name,
    arg_max(unit_full_name, report_year) as unit_full_name,
    arg_max(unit_level, report_year) as unit_level,
    arg_max(parent_name, report_year) as parent_name,
    arg_max(place_province, report_year) as place_province,
    arg_max(place_prefecture, report_year) as place_prefecture,
    arg_max(place_county, report_year) as place_county,
    arg_max(division_code, report_year) as division_code,
    arg_max(place_candidates, report_year) as place_candidates,
    count(*) as report_count,
    min(report_year) as first_year,
    max(report_year) as last_year
from core.report
where unit_id is not null  -- a report that never names its unit is loaded but not a unit
group by unit_id
