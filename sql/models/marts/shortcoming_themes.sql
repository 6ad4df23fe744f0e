-- marts.shortcoming_themes: the themes each report admits in its shortcomings part, and how many units admit each
--
-- One row per report and theme admitted (core.shortcoming_theme_hit: a theme cue from
-- transforms/data/shortcoming_themes.csv matched a clause of the report's shortcomings part).
--   clauses           how many clauses of the part admit the theme
--   evidence          the first such clause
--   units_admitting   how many distinct units admit the theme in any report (the theme's reach)
--   units_with_part   how many distinct units have a shortcomings part at all (the denominator)
--   theme_rank        dense rank of the theme by units_admitting, most admitted first
create or replace view marts.shortcoming_themes as
with report_themes as (
    select
        source_file,
        unit_id,
        report_year,
        theme,
        name_zh,
        count(*) as clauses,
        arg_min(clause, section_no * 100000 + clause_no) as evidence,
        list_sort(list_distinct(flatten(list(cues)))) as cues
    from core.shortcoming_theme_hit
    group by source_file, unit_id, report_year, theme, name_zh
),

-- counted from the hits themselves (the same distinct units and reports as report_themes'), so that
-- report_themes is read once and a query that needs none of its evidence does not build it; and
-- ranked here, one row per theme, rather than over every report's row: a sort of a few dozen themes
-- instead of one of a million rows (the same ranks: a row's rank is its theme's)
theme_reach as (
    select
        theme,
        count(distinct unit_id) as units_admitting,
        count(distinct source_file) as reports_admitting,
        dense_rank() over (order by count(distinct unit_id) desc) as theme_rank
    from core.shortcoming_theme_hit
    group by theme
),

units_with_part as (
    select count(distinct r.unit_id) as units_with_part
    from core.report as r
    where exists (
        select 1 from core.report_section as s where s.source_file = r.source_file and s.section = 'shortcomings'
    )
)

select
    u.unit_name,
    u.unit_level,
    t.report_year,
    t.theme,
    t.name_zh as theme_name,
    t.clauses,
    t.evidence,
    t.cues,
    reach.units_admitting,
    reach.reports_admitting,
    p.units_with_part,
    round(100 * reach.units_admitting / nullif(p.units_with_part, 0), 1) as pct_units_admitting,
    reach.theme_rank,
    t.source_file,
    t.unit_id
from report_themes as t
inner join theme_reach as reach using (theme)
inner join core.dim_unit as u using (unit_id)
cross join units_with_part as p
