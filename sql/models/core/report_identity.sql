-- core.report_identity: one row per loaded file, and the report it is a copy of (duplicate_of NULL: the file is its report's canonical file)
--
-- A report is posted as a page and again as a PDF or DOCX attachment, portals mirror each other and
-- re-posts change the header or footer: many files, one report. Two files are copies of one report
-- when they have
--   * the same unit and year (unit_name, parent_name, unit_level, report_year; NULLs equal),
--   * an estimated Jaccard similarity of their texts' character 5-grams of at least 0.8
--     (bottom-k MinHash sketches of stage.signatures, K = 256; the measurements behind the
--     threshold are in transforms/duplicates.py: every format and re-post of a sample >= 0.98,
--     different samples <= 0.02), and
--   * the same multiset of facts (facts_key, from stage.fact_keys): a correction or a second version is as similar as
--     a re-post (0.99) but states other numbers, so it stays a report of its own.
-- A file is compared only with the files of its own unit and year (a hash join on that key).
-- The canonical file of a report is the most complete: most of the five standard parts, then most
-- facts, then the longest text (letters and digits; texts within 5% of the longest of the unit and
-- year count as long, so the lines of chrome a page or a re-post adds do not outrank the plain
-- file), then the format (text, markdown, docx, html, pdf), then the shorter file name (copies gain
-- suffixes: 报告(1).pdf), then the file name. Files of one unit and year with the same facts are
-- compared with the best-placed of them (the head): each file it matches is its copy, so the
-- common case costs one comparison per file however many copies there are. The files the head
-- does not match (two texts with the same facts, rare) are compared among themselves: one no
-- better-placed of them matches is canonical, any other is a copy of the best-placed canonical one
-- it matches (or, when it matches none directly, of the canonical file of its best-placed match).
-- same_unit_year: another report (not a copy of this one) exists for the same unit and year.
create or replace table core.report_identity as
with current_files as (
    select source_file, sha256, path, ext, size
    from stage.raw_files
),

loaded as (
    select l.source_file, l.sha256
    from stage.ledger as l
    inner join current_files as f on f.source_file = l.source_file and f.sha256 = l.sha256
    where l.stage = 'facts' and l.status = 'ok'
),

files as (
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
        coalesce(d.repairs, []::varchar[]) as repairs,  -- what was repaired to read the file (empty: nothing)
        md5(concat_ws(chr(31), coalesce('=' || r.unit_name, '-'), coalesce('=' || r.parent_name, '-'),
                      coalesce('=' || r.unit_level, '-'), coalesce(r.report_year::varchar, '-'))) as unit_year_key
    from stage.reports as r
    inner join loaded using (source_file)
    inner join stage.documents as d on d.source_file = r.source_file and d.sha256 = loaded.sha256
    inner join current_files as f on f.source_file = r.source_file
),

parts as (
    select
        source_file,
        bool_or(section = 'achievements') as has_achievements,
        bool_or(section = 'shortcomings') as has_shortcomings,
        bool_or(section = 'leadership_duty') as has_leadership_duty,
        bool_or(section = 'next_year_plan') as has_next_year_plan,
        bool_or(section = 'other') as has_other,
        count(distinct section) filter (
            where section in ('achievements', 'shortcomings', 'leadership_duty', 'next_year_plan', 'other')
        )::integer as parts_present
    from stage.sections
    where source_file in (select source_file from files)
    group by source_file
),

fact_counts as (
    select source_file, count(*)::integer as fact_count
    from stage.facts
    where source_file in (select source_file from files)
    group by source_file
),

measured as (
    select
        f.*,
        coalesce(p.has_achievements, false) as has_achievements,
        coalesce(p.has_shortcomings, false) as has_shortcomings,
        coalesce(p.has_leadership_duty, false) as has_leadership_duty,
        coalesce(p.has_next_year_plan, false) as has_next_year_plan,
        coalesce(p.has_other, false) as has_other,
        coalesce(p.parts_present, 0) as parts_present,
        coalesce(c.fact_count, 0) as fact_count,
        s.text_chars,
        s.sketch,
        k.facts_key,
        -- texts within 5% of the longest of the unit and year count as long: the few lines of
        -- chrome a page or a re-post adds never outrank the plain file, a cut-off copy does
        coalesce(s.text_chars >= 0.95 * max(s.text_chars) over (partition by f.unit_year_key), false) as long_text
    from files as f
    left join parts as p using (source_file)
    left join fact_counts as c using (source_file)
    left join stage.signatures as s using (source_file)
    left join stage.fact_keys as k using (source_file)
),

ranked as (
    select
        *,
        row_number() over (
            partition by unit_year_key
            order by
                parts_present desc,
                fact_count desc,
                long_text desc,
                case format when 'text' then 1 when 'markdown' then 2 when 'docx' then 3 when 'html' then 4
                            when 'pdf' then 5 else 6 end,
                length(source_file),  -- a copy's name often gains a suffix: 报告(1).pdf, 报告_转载.txt
                source_file
        ) as preference
    from measured
),

heads as (
    -- per unit and year and facts: the best-placed file, which every other file is compared with
    select unit_year_key, facts_key, arg_min(source_file, preference) as head_file
    from ranked
    where facts_key is not null and sketch is not null
    group by unit_year_key, facts_key
),

head_pairs as (
    select
        r.source_file,
        h.head_file,
        list_intersect(r.sketch, hr.sketch) as shared,
        list_slice(list_sort(list_distinct(list_concat(r.sketch, hr.sketch))), 1, 256) as union_sketch
    from ranked as r
    inner join heads as h using (unit_year_key, facts_key)
    inner join ranked as hr on hr.source_file = h.head_file
    where r.source_file <> h.head_file
),

head_matches as (
    select
        source_file,
        head_file,
        len(list_filter(shared, lambda x: x <= union_sketch[-1])) / len(union_sketch) as similarity
    from head_pairs
    where len(union_sketch) > 0
),

rest as (
    -- files their head does not match (rare: two texts of one unit and year with the same facts)
    select r.*
    from ranked as r
    semi join head_matches as m on m.source_file = r.source_file and m.similarity < 0.8
),

rest_pairs as (
    select
        a.source_file,
        a.preference,
        b.source_file as other_file,
        b.preference as other_preference,
        list_intersect(a.sketch, b.sketch) as shared,
        list_slice(list_sort(list_distinct(list_concat(a.sketch, b.sketch))), 1, 256) as union_sketch
    from rest as a
    inner join rest as b
        on a.unit_year_key = b.unit_year_key and a.facts_key = b.facts_key and a.source_file <> b.source_file
),

rest_matches as (
    select
        source_file,
        preference,
        other_file,
        other_preference,
        len(list_filter(shared, lambda x: x <= union_sketch[-1])) / len(union_sketch) as similarity
    from rest_pairs
    where len(union_sketch) > 0
),

copy_pairs as (
    select * from rest_matches where similarity >= 0.8
),

rest_canonical as (
    -- files of the rest no better-placed file of the rest matches
    select r.source_file
    from rest as r
    anti join copy_pairs as c on c.source_file = r.source_file and c.other_preference < r.preference
),

direct as (
    -- per other file of the rest: the best-placed canonical file it matches, and its best-placed match
    select
        c.source_file,
        arg_min(c.other_file, c.other_preference) filter (where k.source_file is not null) as canonical_match,
        arg_min(c.other_file, c.other_preference) as best_match
    from copy_pairs as c
    left join rest_canonical as k on k.source_file = c.other_file
    where c.source_file not in (select source_file from rest_canonical)
    group by c.source_file
),

assigned as (
    select source_file, head_file as duplicate_of, similarity
    from head_matches
    where similarity >= 0.8
    union all
    select d.source_file, coalesce(d.canonical_match, via.canonical_match, d.best_match), null
    from direct as d
    left join direct as via on via.source_file = d.best_match
),

identified as (
    select
        r.*,
        a.duplicate_of,
        coalesce(a.similarity, m.similarity) as duplicate_similarity
    from ranked as r
    left join assigned as a using (source_file)
    left join rest_matches as m on m.source_file = r.source_file and m.other_file = a.duplicate_of
)

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
    repairs,
    has_achievements,
    has_shortcomings,
    has_leadership_duty,
    has_next_year_plan,
    has_other,
    parts_present,
    fact_count,
    text_chars,
    duplicate_of,
    round(duplicate_similarity, 3)::double as duplicate_similarity,
    coalesce(duplicate_of, source_file) as report_file,
    count(*) over (partition by coalesce(duplicate_of, source_file))::integer as copies,
    count(*) filter (where duplicate_of is null) over (partition by unit_year_key) > 1 as same_unit_year,
    unit_year_key
from identified
