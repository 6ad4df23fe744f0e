-- core.report_section: the standard parts found in each loaded report, with heading and offsets
create or replace table core.report_section as
select s.source_file, s.section_no, s.section, s.heading, s.level, s.char_start, s.char_end
from stage.sections as s
inner join core.report using (source_file)
