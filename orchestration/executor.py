"""The executor of every run: in one process, or each step in a process of its own (Dagster's
multiprocess executor), chosen by the run's config (`make run` picks it by how much work is waiting:
orchestration.run.phases); the warehouse's run lock is held for the whole run either way.

In one process a step costs milliseconds of Dagster's own time; in a process of its own, about
half a second to a second (the process, the instance, the job rebuilt), so a run with little to do
(the daily run, a re-run) goes in one process, and a run with thousands of files spreads each
stage's shard workers over the cores (`REPORTS_WORKERS`, default all). Step processes are forked
from a server that has the code preloaded, and go on under the run lock their parent holds
(orchestration.runlock.held_by_ancestor), so a second run waits for the whole of the first.

On a cluster the same definitions run with another executor (dagster-k8s's `k8s_job_executor`,
dagster-celery's): see the README, "Beyond one machine".
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import dagster as dg

from orchestration.runlock import run_lock
from orchestration.settings import Settings

# what a step process would otherwise import afresh (~3 s each): our code, and the instance's storage
PRELOAD = ["orchestration.definitions", "dagster._core.storage.sqlite_storage", "dagster._core.storage.event_log",
           "dagster._core.storage.runs", "dagster._core.storage.schedules", "sqlalchemy", "alembic.command", "upath",
           "fsspec.implementations.local", "dagster._core.storage.defs_state.blob_storage_state_storage",
           "dagster._core.storage.fs_io_manager", "dagster._core.storage.local_compute_log_manager"]


class RunLockedExecutor(dg.Executor):
    """Runs `inner`'s execution of the plan inside the warehouse's run lock."""

    def __init__(self, inner: dg.Executor) -> None:
        self._inner = inner

    @property
    def retries(self):  # noqa: ANN201 - Dagster's RetryMode
        return self._inner.retries

    def execute(self, plan_context, execution_plan) -> Iterator[dg.DagsterEvent]:  # noqa: ANN001
        # polars' allocator (jemalloc), inherited by a process forked from the preloaded server,
        # purges freed pages inline there: a worker ran the same batch 3x slower. Without decay it
        # runs at full speed; a step process's memory then stays at its peak until it ends.
        os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:-1,muzzy_decay_ms:-1")
        cfg = Settings()
        with run_lock(cfg.resolved_warehouse(), cfg.lock_wait_seconds, plan_context.run_id):
            yield from self._inner.execute(plan_context, execution_plan)


@dg.executor(
    name="warehouse",
    config_schema=dg.Field(dg.Selector({"multiprocess": dg.multiprocess_executor.config_schema.as_field(),
                                        "in_process": dg.in_process_executor.config_schema.as_field()}),
                           default_value={"in_process": {}}),
    requirements=dg.multi_or_in_process_executor.get_requirements,
)
def warehouse_executor(init_context: dg.InitExecutorContext) -> dg.Executor:
    return RunLockedExecutor(dg.multi_or_in_process_executor.executor_creation_fn(init_context))


def multiprocess_config() -> dict:
    return {"multiprocess": {"max_concurrent": Settings().max_workers,
                             "start_method": {"forkserver": {"preload_modules": PRELOAD}}}}
