-- marts.report_overview: one row per loaded file, its metadata, which standard parts it has, and the report it is a copy of
--
-- A report posted as several files (a page and its PDF, a mirror, a re-post with another footer)
-- keeps a row per file here: its canonical file has duplicate_of NULL, the others name that
-- canonical file in duplicate_of (core.report_identity says how copies are told and the canonical
-- file chosen). Only the canonical file counts in core.report, the comparisons and compliance.
--   same_unit_year        another report (not a copy: a correction, a second version) exists for
--                         the same unit and year
--   copies                how many loaded files are this file's report (1: no copies)
--   duplicate_similarity  for a copy, the estimated similarity of its text to the canonical file's
create or replace view marts.report_overview as
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
    r.has_achievements,
    r.has_shortcomings,
    r.has_leadership_duty,
    r.has_next_year_plan,
    r.has_other,
    r.fact_count,
    r.format,
    r.encoding,
    r.place_province,
    r.place_prefecture,
    r.place_county,
    r.division_code,
    r.place_candidates,
    r.unit_id,
    r.repairs,
    r.duplicate_of,
    r.same_unit_year,
    r.copies,
    r.duplicate_similarity
from core.report_identity as r
