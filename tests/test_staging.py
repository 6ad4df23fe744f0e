"""Stage glue that is not a transform: reading the bytes of pending files."""

import hashlib

import polars as pl

from orchestration.assets.staging import _documents


def test_a_file_that_changed_since_hashing_is_quarantined_not_lost(tmp_path):
    kept, changed = tmp_path / "kept.txt", tmp_path / "changed.txt"
    report = "清河镇2024年度法治政府建设情况报告\n一、主要举措和成效\n全年开展普法宣传活动12场，调解矛盾纠纷30件。"
    kept.write_text(report, encoding="utf-8")
    changed.write_text(report + "\n补充说明。", encoding="utf-8")
    files = pl.DataFrame({
        "source_file": ["kept.txt", "changed.txt"], "path": [str(kept), str(changed)], "ext": ["txt", "txt"],
        "size": [1, 1],
        "sha256": [hashlib.sha256(kept.read_bytes()).hexdigest(), hashlib.sha256(report.encode()).hexdigest()],
    })
    out = _documents(files.select("source_file", "sha256"), files)
    assert out["stage.documents"]["source_file"].to_list() == ["kept.txt"]
    assert out["quarantine"]["source_file"].to_list() == ["changed.txt"]
    assert "changed while being read" in out["quarantine"]["reason"][0]
