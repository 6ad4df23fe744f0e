-- core.shortcoming_theme_hit: one row per report, theme and clause of its shortcomings part that a theme cue matches
--
-- The shortcomings part is the normalized text between the offsets core.report_section gives for
-- section 'shortcomings' (heading included; every such part when a report has more than one).
-- It is cut into clauses at 。；;！？!? and line ends; a clause admits a theme when one of the
-- theme's cues (transforms/data/shortcoming_themes.csv: space-separated RE2 regexes, an analyst
-- extends them) matches it. A clause may admit several themes.
create or replace table core.shortcoming_theme_hit as
with shortcoming_parts as (
    select
        s.source_file,
        s.section_no,
        substring(n.text, s.char_start + 1, s.char_end - s.char_start) as part_text
    from core.report_section as s
    inner join stage.normalized as n using (source_file)
    where s.section = 'shortcomings' and s.char_end > s.char_start
),

clause_lists as (
    select source_file, section_no, regexp_split_to_array(part_text, '[。；;！？!?\n]') as clauses
    from shortcoming_parts
),

clauses as (
    select
        source_file,
        section_no,
        generate_subscripts(clauses, 1) as clause_no,
        trim(unnest(clauses)) as clause
    from clause_lists
),

theme_cues as (
    select theme, name_zh, unnest(string_split(trim(cues), ' ')) as cue
    from stage.seed_themes
    where cues is not null
),

matches as (
    select c.source_file, c.section_no, c.clause_no, c.clause, t.theme, t.name_zh, t.cue
    from clauses as c
    inner join theme_cues as t on regexp_matches(c.clause, t.cue)
    where t.cue <> '' and c.clause <> ''
)

select
    m.source_file,
    r.unit_id,
    r.report_year,
    m.theme,
    m.name_zh,
    m.section_no,
    m.clause_no,
    list(distinct m.cue order by m.cue) as cues,
    any_value(m.clause) as clause
from matches as m
inner join core.report as r using (source_file)
group by m.source_file, r.unit_id, r.report_year, m.theme, m.name_zh, m.section_no, m.clause_no
