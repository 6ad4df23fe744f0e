-- core.dim_indicator: the indicator catalogue (transforms/data/indicators.csv) plus 'unclassified'
create or replace table core.dim_indicator as
select indicator as indicator_code, theme, name_zh, name_en, measure as measure_code, cues, better
from stage.seed_indicators
union all
select 'unclassified', 'unclassified', '未归类', 'a number no catalogue rule classified', null, null, null
