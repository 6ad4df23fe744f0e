-- marts.file_status: every file seen in the raw folder, loaded or quarantined (with why) or pending
create or replace view marts.file_status as
select
    f.source_file,
    f.path,
    f.size,
    f.sha256,
    case
        when r.source_file is not null then 'loaded'
        when q.source_file is not null then 'quarantined'
        else 'pending'
    end as status,
    q.stage as quarantined_at_stage,
    q.reason
from stage.raw_files as f
left join core.report as r on r.source_file = f.source_file and r.sha256 = f.sha256
left join core.quarantine as q on q.source_file = f.source_file and q.sha256 = f.sha256
