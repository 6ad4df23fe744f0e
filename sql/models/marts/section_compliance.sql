-- marts.section_compliance: per report, which of the five required parts it has, which it lacks, and whether it was published on time
--
-- The five parts the national rules ask for: achievements (主要举措和成效), shortcomings (存在的不足和
-- 原因), leadership_duty (党政主要负责人履行第一责任人职责), next_year_plan (下一年度主要安排) and
-- other (其他需要报告的情况). A part counts as present when core.report_section found its heading,
-- at the top level or as a sub-heading.
-- One row per report: a report posted as several files (a page, its PDF, a mirror) has the row of its
-- canonical file only (core.report; the copies are in marts.report_overview with duplicate_of).
-- On time: the rules ask for publication by 1 April of the following year. The report's date is
-- its publication date (published_on) or, when no publication date is known, its signing date
-- (report_date); on_time = that date <= (report_year + 1)-04-01, NULL when neither date is known.
create or replace view marts.section_compliance as
with required_parts (section, part_no, name_zh) as (
    values
        ('achievements', 1, '主要举措和成效'),
        ('shortcomings', 2, '存在的不足和原因'),
        ('leadership_duty', 3, '第一责任人职责'),
        ('next_year_plan', 4, '下一年度安排'),
        ('other', 5, '其他需要报告的情况')
),

report_parts as (
    select
        r.source_file,
        p.section,
        p.part_no,
        exists (
            select 1 from core.report_section as s
            where s.source_file = r.source_file and s.section = p.section
        ) as present
    from core.report as r
    cross join required_parts as p
),

parts_by_report as (
    select
        source_file,
        bool_or(present) filter (where section = 'achievements') as has_achievements,
        bool_or(present) filter (where section = 'shortcomings') as has_shortcomings,
        bool_or(present) filter (where section = 'leadership_duty') as has_leadership_duty,
        bool_or(present) filter (where section = 'next_year_plan') as has_next_year_plan,
        bool_or(present) filter (where section = 'other') as has_other,
        count(*) filter (where present)::integer as parts_present,
        list(section order by part_no) filter (where not present) as missing_parts
    from report_parts
    group by source_file
),

dated_reports as (
    select
        *,
        coalesce(published_on, report_date) as dated_on,
        case
            when published_on is not null then 'published_on'
            when report_date is not null then 'report_date'
        end as date_basis,
        make_date(report_year + 1, 4, 1) as due_on
    from core.report
)

select
    r.unit_name,
    r.unit_level,
    r.report_year,
    p.has_achievements,
    p.has_shortcomings,
    p.has_leadership_duty,
    p.has_next_year_plan,
    p.has_other,
    p.parts_present,
    p.parts_present = 5 as all_parts,
    coalesce(p.missing_parts, []) as missing_parts,
    r.published_on,
    r.report_date,
    r.dated_on,
    r.date_basis,
    r.due_on,
    r.dated_on <= r.due_on as on_time,
    case when r.dated_on > r.due_on then datediff('day', r.due_on, r.dated_on) end as days_late,
    r.source_file,
    r.unit_id
from dated_reports as r
inner join parts_by_report as p using (source_file)
