-- core.dim_measure: the measures a number can be counted in (transforms/data/measures.csv)
create or replace table core.dim_measure as
select measure as measure_code, kind as measure_kind, base_unit, words, note
from stage.seed_measures
