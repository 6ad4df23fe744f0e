-- marts.report_overview: one row per loaded report, its metadata and which standard parts it has
create or replace view marts.report_overview as
with parts as (
    select
        source_file,
        bool_or(section = 'achievements') as has_achievements,
        bool_or(section = 'shortcomings') as has_shortcomings,
        bool_or(section = 'leadership_duty') as has_leadership_duty,
        bool_or(section = 'next_year_plan') as has_next_year_plan,
        bool_or(section = 'other') as has_other
    from core.report_section
    group by source_file
),

fact_counts as (
    select source_file, count(*) as fact_count
    from core.fact_indicator_value
    group by source_file
)

select
    r.source_file,
    r.unit_name,
    r.unit_full_name,
    r.unit_level,
    r.parent_name,
    r.report_year,
    r.report_date,
    r.published_on,
    r.doc_number,
    r.source_script,
    coalesce(p.has_achievements, false) as has_achievements,
    coalesce(p.has_shortcomings, false) as has_shortcomings,
    coalesce(p.has_leadership_duty, false) as has_leadership_duty,
    coalesce(p.has_next_year_plan, false) as has_next_year_plan,
    coalesce(p.has_other, false) as has_other,
    coalesce(c.fact_count, 0)::integer as fact_count,
    r.format,
    r.encoding,
    r.place_province,
    r.place_prefecture,
    r.place_county,
    r.division_code,
    r.place_candidates,
    r.unit_id,
    r.repairs
from core.report as r
left join parts as p using (source_file)
left join fact_counts as c using (source_file)
