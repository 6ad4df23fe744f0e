"""The README's example queries: find them, and refresh their printed output from the real CLI.

`python tests/readme_queries.py` re-runs every ```sql block of the README's "Questions you can
ask" with `.venv/bin/duckdb -readonly warehouse/reports.duckdb` and rewrites the ```text block
after it, so the outputs shown are what an analyst sees. tests/test_readme.py checks each query
runs on a freshly built warehouse.
"""

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
SECTION = "## Questions you can ask"
_BLOCK = re.compile(r"```sql\n(?P<sql>.*?)```\n(?:\n```text\n.*?```\n)?", re.S)


def section_bounds(text: str) -> tuple[int, int]:
    start = text.index(SECTION)
    nxt = text.find("\n## ", start + len(SECTION))
    return start, len(text) if nxt < 0 else nxt + 1


def queries(text: str | None = None) -> list[str]:
    text = README.read_text(encoding="utf-8") if text is None else text
    start, end = section_bounds(text)
    return [m.group("sql").strip() for m in _BLOCK.finditer(text, start, end)]


def cli_output(sql: str, warehouse: Path) -> str:
    cli = REPO / ".venv" / "bin" / "duckdb"
    out = subprocess.run([str(cli), "-readonly", str(warehouse), "-c", sql], capture_output=True, text=True,
                         check=True)
    return out.stdout.rstrip("\n") + "\n"


def refresh(warehouse: Path) -> None:
    text = README.read_text(encoding="utf-8")
    start, end = section_bounds(text)

    def render(m: re.Match) -> str:
        sql = m.group("sql")
        return f"```sql\n{sql}```\n\n```text\n{cli_output(sql, warehouse)}```\n"

    README.write_text(text[:start] + _BLOCK.sub(render, text[start:end]) + text[end:], encoding="utf-8")


if __name__ == "__main__":
    refresh(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "warehouse" / "reports.duckdb")
