-- core.report: one row per loaded report (its canonical file; copies of it are in core.report_identity), the current content of each file that passed every stage
--
-- A report posted as several files (a page and its PDF, a mirror, a re-post with another footer)
-- is one report: core.report_identity groups the copies and picks the canonical file, and only that
-- file is here, so every fact, comparison and compliance row built on core.report counts the report
-- once. `copies` is how many loaded files are this report (1: no copies); `same_unit_year` says
-- another report (not a copy: a correction, a second version) exists for the same unit and year.
create or replace table core.report as
select
    source_file,
    sha256,
    unit_id,
    unit_name,
    unit_full_name,
    unit_level,
    parent_name,
    report_year,
    report_date,
    published_on,
    doc_number,
    source_script,
    place_province,
    place_prefecture,
    place_county,
    division_code,
    place_candidates,
    format,
    encoding,
    file_size,
    repairs,  -- what was repaired to read the file (empty: nothing)
    copies,
    same_unit_year
from core.report_identity
where duplicate_of is null
