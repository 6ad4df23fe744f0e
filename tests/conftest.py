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
