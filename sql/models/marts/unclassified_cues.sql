-- marts.unclassified_cues: the phrases before numbers no catalogue rule classified, most frequent first (where the catalogue should grow)
create or replace view marts.unclassified_cues as
with unclassified as (
    select cue, measure_code, source_file, unit_id, evidence
    from core.fact_indicator_value
    where indicator_code = 'unclassified' and cue is not null and cue <> ''
)

select
    cue,
    measure_code,
    count(*) as facts,
    count(distinct unit_id) as units,
    count(distinct source_file) as reports,
    min(evidence) as example
from unclassified
group by cue, measure_code
order by facts desc, units desc, cue
