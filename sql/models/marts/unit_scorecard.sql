-- marts.unit_scorecard: one row per unit and year with the main indicators as columns
--
-- The year is the report year; each column is the unit's `actual` value for that year in the
-- indicator's catalogue measure (core.unit_indicator_value: counts the largest stated, rates the
-- most stated, flagged facts left out), NULL when the report does not state it. Rates are percent.
-- A count of things (件, measure item) and a count of occurrences (次, measure event) stand in for
-- each other here when the catalogue measure is not stated ("败诉1次"); people (人) and attendances
-- (人次) never do. The peer comparisons stay strict: one measure per peer group.
-- Columns in a terminal-friendly order: disputes, litigation, reconsideration, publicity, study,
-- decisions and enforcement. `facts` counts every fact of the unit's reports for the year.
create or replace view marts.unit_scorecard as
with unit_years as (
    select unit_id, report_year as year, count(*) as reports, list(source_file order by source_file) as source_files
    from core.report
    group by unit_id, report_year
),

catalogue_values as (
    select v.unit_id, v.fact_year as year, v.indicator_code, v.value
    from core.unit_indicator_value as v
    inner join core.dim_indicator as i using (indicator_code)
    where v.kind = 'actual'
      and (v.measure_code = i.measure_code
           or (v.measure_code in ('item', 'event') and i.measure_code in ('item', 'event')))
    qualify row_number() over (
        partition by v.unit_id, v.fact_year, v.indicator_code
        order by v.measure_code = i.measure_code desc, v.value desc, v.measure_code
    ) = 1
),

fact_counts as (
    select unit_id, report_year as year, count(*) as facts
    from core.fact_indicator_value
    group by unit_id, report_year
),

scores as (
    select
        unit_id,
        year,
        max(value) filter (where indicator_code = 'dispute.resolved') as disputes_resolved,
        max(value) filter (where indicator_code = 'dispute.resolution_rate') as dispute_rate,
        max(value) filter (where indicator_code = 'litigation.admin_cases') as lawsuits,
        max(value) filter (where indicator_code = 'litigation.admin_lost') as lawsuits_lost,
        max(value) filter (where indicator_code = 'litigation.appearance_rate') as court_appearance_rate,
        max(value) filter (where indicator_code = 'review.admin_cases') as reconsiderations,
        max(value) filter (where indicator_code = 'petition.resolved') as petitions_resolved,
        max(value) filter (where indicator_code = 'publicity.events') as publicity_events,
        max(value) filter (where indicator_code = 'study.sessions') as study_sessions,
        max(value) filter (where indicator_code = 'exam.pass_rate') as exam_pass_rate,
        max(value) filter (where indicator_code = 'legal_review.count') as legal_reviews,
        max(value) filter (where indicator_code = 'enforcement.cases') as enforcement_cases,
        count(*) as indicators
    from catalogue_values
    group by unit_id, year
)

select
    u.unit_name,
    u.unit_level,
    y.year,
    s.disputes_resolved,
    s.dispute_rate,
    s.lawsuits,
    s.lawsuits_lost,
    s.court_appearance_rate,
    s.reconsiderations,
    s.petitions_resolved,
    s.publicity_events,
    s.study_sessions,
    s.exam_pass_rate,
    s.legal_reviews,
    s.enforcement_cases,
    coalesce(s.indicators, 0) as indicators,
    coalesce(c.facts, 0) as facts,
    y.reports,
    y.source_files,
    y.unit_id
from unit_years as y
inner join core.dim_unit as u using (unit_id)
left join scores as s using (unit_id, year)
left join fact_counts as c using (unit_id, year)
