-- marts.file_status: every entry ever seen in the raw folder: loaded, quarantined (with the stage and why), pending, retracted (taken back by an operator, with why), or skipped (not read: links out of the folder, hidden files, pipes, unreadable files)
--
-- duplicate_of: for a loaded file that is a copy of a report loaded from another file (the same
-- report as a page, a PDF, a mirror or a re-post; see core.report_identity), that canonical file;
-- NULL for every other entry.
create or replace view marts.file_status as
with latest as (
    -- the entries of the latest scan of the raw folder
    select source_file, path, size, sha256, reason from stage.raw_entries
),
files as (
    select
        f.source_file,
        f.path,
        f.size,
        f.sha256,
        case
            when t.source_file is not null then 'retracted'
            when r.source_file is not null then 'loaded'
            when q.source_file is not null then 'quarantined'
            else 'pending'
        end as status,
        q.stage as quarantined_at_stage,
        coalesce(t.reason, q.reason) as reason,
        r.repairs,
        l.source_file is not null as in_folder,
        r.duplicate_of
    from stage.raw_files as f
    left join core.report_identity as r on r.source_file = f.source_file and r.sha256 = f.sha256
    left join core.quarantine as q on q.source_file = f.source_file and q.sha256 = f.sha256
    left join stage.retracted as t on t.source_file = f.source_file and t.sha256 = f.sha256
    left join latest as l on l.source_file = f.source_file and l.sha256 = f.sha256 and l.reason is null
    -- a file that is now skipped (it became a link, or unreadable) shows as skipped below
    anti join (select source_file from latest where reason is not null) as s on s.source_file = f.source_file
),
skipped as (
    select source_file, path, size, null::varchar as sha256, 'skipped' as status, 'raw' as quarantined_at_stage,
           reason, null::varchar[] as repairs, true as in_folder, null::varchar as duplicate_of
    from latest
    where reason is not null
)
select * from files
union all
select * from skipped
