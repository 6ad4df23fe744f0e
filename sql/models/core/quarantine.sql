-- core.quarantine: files set aside, with the stage that refused them and why (when: stage.quarantine.quarantined_at; left out here so the same files always build the same table)
create or replace table core.quarantine as
select q.source_file, q.sha256, q.stage, q.reason, f.path, f.size
from stage.quarantine as q
inner join stage.raw_files as f on f.source_file = q.source_file and f.sha256 = q.sha256
