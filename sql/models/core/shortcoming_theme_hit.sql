-- core.shortcoming_theme_hit: one row per report, theme and clause of its shortcomings part that a theme cue matches
--
-- The clauses come from the shortcoming_theme_clauses stage (transforms/themes.py): the
-- shortcomings part of the normalized text (heading included; every such part when a report has
-- more than one) is cut into clauses at 。；;！？!? and line ends, and a clause admits a theme when
-- one of the theme's cues (transforms/data/shortcoming_themes.csv: space-separated regexes, an
-- analyst extends them) matches it; `cues` lists the words that matched. A clause may admit several
-- themes. Only loaded reports count.
create or replace table core.shortcoming_theme_hit as
select
    h.source_file,
    r.unit_id,
    r.report_year,
    h.theme,
    h.name_zh,
    h.section_no,
    h.clause_no,
    h.cues,
    h.clause
from stage.theme_hits as h
inner join core.report as r using (source_file)
