-- marts.report_facts: one row per quantity stated in a report (the public contract)
create or replace view marts.report_facts as
select
    f.source_file,
    r.unit_name,
    f.report_year,
    f.fact_year,
    f.section,
    f.indicator_code,
    f.kind,
    f.value,
    f.value_high,
    f.measure_code,
    f.measure_word,
    f.qualifier,
    f.evidence,
    f.char_start,
    f.char_end,
    f.source_start,
    f.source_end,
    f.cue,
    f.flags,
    f.fact_id,
    f.unit_id
from core.fact_indicator_value as f
inner join core.report as r using (source_file)
