-- marts.report_overview: one row per loaded file, its metadata, which standard parts it has, and the report it is a copy of
--
-- A report posted as several files (a page and its PDF, a mirror, a re-post with another footer)
-- keeps a row per file here: its canonical file (core.report) has duplicate_of NULL, the others
-- (core.report_identity) name that canonical file in duplicate_of; core.report_identity says how
-- copies are told apart from corrections and how the canonical file is chosen. Only the
-- canonical file counts in the facts, the comparisons and compliance.
--   same_unit_year        another report (not a copy: a correction, a second version) exists for
--                         the same unit and year
--   copies                how many loaded files are this file's report (1: no copies)
--   duplicate_similarity  for a copy, the estimated similarity of its text to the canonical file's
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
),

reports as (
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
        r.repairs,
        null::varchar as duplicate_of,
        r.same_unit_year,
        r.copies,
        null::double as duplicate_similarity
    from core.report as r
    left join parts as p using (source_file)
    left join fact_counts as c using (source_file)
),

copies as (
    select
        source_file,
        unit_name,
        unit_full_name,
        unit_level,
        parent_name,
        report_year,
        report_date,
        published_on,
        doc_number,
        source_script,
        has_achievements,
        has_shortcomings,
        has_leadership_duty,
        has_next_year_plan,
        has_other,
        fact_count,
        format,
        encoding,
        place_province,
        place_prefecture,
        place_county,
        division_code,
        place_candidates,
        unit_id,
        repairs,
        duplicate_of,
        same_unit_year,
        copies,
        duplicate_similarity
    from core.report_identity
    where duplicate_of is not null
)

select * from reports
union all
select * from copies
