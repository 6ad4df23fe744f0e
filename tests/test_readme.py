"""Every example query in the README runs on a freshly built warehouse, through the real CLI."""

from .readme_queries import cli_output, queries


def test_readme_has_at_least_six_questions():
    assert len(queries()) >= 6


def test_every_readme_query_runs_in_the_cli(built):
    _, warehouse, _ = built
    for sql in queries():
        assert cli_output(sql, warehouse).strip(), sql
