-- core.fact_indicator_value: one row per quantity stated in a loaded report, with provenance
-- (a report posted as several files counts once: only its canonical file, core.report, has facts here)
create or replace table core.fact_indicator_value as
select
    md5(f.source_file || '#' || f.sentence_no || '#' || f.mention_no)[1:16] as fact_id,
    f.source_file,
    r.unit_id,
    r.report_year,
    -- a target is for the year its sentence names (到2026年底…), else the year after the report
    case when f.kind = 'target' then coalesce(f.target_year, r.report_year + 1) else r.report_year end as fact_year,
    coalesce(s.section, 'unknown') as section,
    f.indicator_code,
    f.kind,
    f.value,
    f.value_high,
    f.measure_code,
    f.measure_word,
    f.qualifier,
    f.cue,
    f.flags,
    f.evidence,
    f.sentence_no,
    f.mention_no,
    f.char_start,
    f.char_end,
    f.source_start,
    f.source_end
from stage.facts as f
inner join core.report as r using (source_file)
left join stage.sentences as s on s.source_file = f.source_file and s.sentence_no = f.sentence_no
