import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
RAW = REPO / "raw"
GOLD = Path(__file__).resolve().parent / "gold"


@pytest.fixture
def raw_copy(tmp_path: Path) -> Path:
    """A private copy of the sample reports, so a test may add or change files."""
    folder = tmp_path / "raw"
    shutil.copytree(RAW, folder)
    return folder


def build(raw: Path, warehouse: Path):
    """Materialise every asset in-process from `raw` into `warehouse` (imported late, so a unit
    test of one transform still runs when the wiring is broken)."""
    import dagster as dg

    from orchestration.definitions import defs
    from orchestration.resources import Warehouse

    job = defs.resolve_job_def("reports_job")
    return job.execute_in_process(
        instance=dg.DagsterInstance.ephemeral(),
        resources={"warehouse": Warehouse(raw_dir=str(raw), path=str(warehouse))},
    )


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory):
    """The samples built once for every end-to-end test: (raw folder, warehouse, run result)."""
    root = tmp_path_factory.mktemp("pipeline")
    raw = root / "raw"
    shutil.copytree(REPO / "raw", raw)
    warehouse = root / "wh" / "reports.duckdb"
    return raw, warehouse, build(raw, warehouse)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The samples, one of them again as GB18030 and once as a copy, plus a file that is no report."""
    raw = tmp_path_factory.mktemp("reliability") / "raw"
    shutil.copytree(RAW, raw)
    first = sorted(RAW.glob("*.txt"))[0]
    (raw / "gbk_copy.txt").write_bytes(first.read_text(encoding="utf-8").encode("gb18030"))
    (raw / "empty.txt").write_bytes(b"")
    return raw
