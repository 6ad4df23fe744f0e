-- core.report: one row per loaded report, the current content of each file that passed every stage
create or replace table core.report as
with current_files as (
    select source_file, sha256, path, ext, size
    from stage.raw_files
),

loaded as (
    select l.source_file, l.sha256
    from stage.ledger as l
    inner join current_files as f on f.source_file = l.source_file and f.sha256 = l.sha256
    where l.stage = 'facts' and l.status = 'ok'
)

select
    r.source_file,
    loaded.sha256,
    md5(coalesce(r.parent_name, '') || '/' || r.unit_name)[1:16] as unit_id,
    r.unit_name,
    r.unit_full_name,
    r.unit_level,
    r.parent_name,
    r.report_year,
    r.report_date,
    r.published_on,
    r.doc_number,
    r.source_script,
    r.place_province,
    r.place_prefecture,
    r.place_county,
    r.division_code,
    r.place_candidates,
    d.format,
    d.encoding,
    f.size as file_size,
    coalesce(d.repairs, []::varchar[]) as repairs  -- what was repaired to read the file (empty: nothing)
from stage.reports as r
inner join loaded using (source_file)
inner join stage.documents as d on d.source_file = r.source_file and d.sha256 = loaded.sha256
inner join current_files as f on f.source_file = r.source_file
