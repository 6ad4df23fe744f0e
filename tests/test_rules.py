"""Every rule's own cases through the real stages (transforms.rulebook), one test per rule id.

A rule's example must give its `expect` and its counter-example must not; a rule without an
example, an expect or a why fails here on purpose (it gets a case or goes). `make rules` shows
which cases each rule is the one to decide; this file only shows that each case holds.
"""

from __future__ import annotations

import pytest

from transforms import rulebook, rules

RULES = rulebook.all_rules()


@pytest.fixture(scope="module")
def failures() -> dict[str, list[str]]:
    """Every rule's case failures, the cases of each stage rendered in one batch."""
    out: dict[str, list[str]] = {}
    for r in RULES:
        out.setdefault(r.id, [])
    by_id = rulebook.check_all([r for r in RULES if r.stage in rulebook.RENDERERS])
    for rule_id, fails in by_id.items():
        out[rule_id] += fails
    return out


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_cases(rule, failures):
    assert rule.stage in rulebook.RENDERERS, f"{rule.id}: stage {rule.stage!r} is not one of {rulebook.STAGES}"
    fails = failures[rule.id]
    assert not fails, "\n".join(fails)


def test_batched_rendering_matches_one_at_a_time():
    """A case rendered in a batch with others renders as it does alone (no case leaks into another)."""
    sample = [(s, t) for r in RULES[::7] for s, t, _, _ in rulebook.cases(r) if s in rulebook.RENDERERS]
    batch = rulebook.render_all(sample)
    for stage, text in sample:
        assert batch[(stage, text)] == rulebook.render(stage, text), (stage, text)


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_is_described(rule):
    assert rulebook.ID_FORM.match(rule.id), f"{rule.id}: an id is <PREFIX>-<NAME> in upper-case ASCII"
    assert rule.stage == rulebook.stage_of(rule.id) or rule.stage in rulebook.STAGES, rule
    assert rule.example.strip(), f"{rule.id}: no example"
    assert rule.expect.strip(), f"{rule.id}: no expect"
    assert rule.why.strip(), f"{rule.id}: no why"


def test_rule_ids_are_unique():
    assert rulebook.duplicate_ids(RULES) == []


def test_render_contract():
    """The rendering each stage's rules are written against (common.md)."""
    assert "12次|study.sessions|actual|" in rulebook.render("indicators", "全年组织集中学法12次")
    # flags and a target's year only when a fact has them
    assert rulebook.render("indicators", "全年组织集中学法12次") == "12次|study.sessions|actual|集中学法"
    assert "105%|hotline.satisfaction_rate|actual|满意率|rate_over_100" in rulebook.render(
        "indicators", "法治讲座满意率达105%")
    assert "200名|community.legal_literates|target|法律明白人|target_year=2026" in rulebook.render(
        "indicators", "[next_year_plan] 到2026年底，全镇法律明白人培养数达到200名")
    assert "300余人次|300|person_time|more_than" in rulebook.render("quantities", "参训人员达到300余人次")
    sentences = rulebook.render("sentences", "[shortcomings] 经费不足。人员不够。")
    assert sentences == "shortcomings\t经费不足。\nshortcomings\t人员不够。"
    doc = r"某某镇2023年法治政府建设工作情况报告\n一、主要成效\n做了工作。\n二、存在的不足\n经费不足。\n2024年1月5日"
    assert "achievements\t一、主要成效\nshortcomings\t二、存在的不足" in rulebook.render("sections", doc)
    meta = rulebook.render("metadata", doc)
    assert "unit_name=某某镇" in meta and "report_year=2023" in meta and "report_date=2024-01-05" in meta
    assert rulebook.render("screening", doc) == "ok"
    assert rulebook.render("screening", "你好").startswith("not a report")
    assert rulebook.render("normalize", "２０２３年") == "2023年"


def test_mutated_values_are_the_neighbours_of_a_threshold():
    assert rulebook.mutated_values("24") == ["12", "48", "25", "23"]
    assert rulebook.mutated_values("1") == ["2", "0"]
    assert rulebook.mutated_values("0") == ["1"]
    assert rulebook.mutated_values("0.5") == ["0.25", "1"]
    assert rulebook.mutated_values("法治") == []


def test_a_rule_reaches_its_stage_and_every_stage_below():
    by_stage = {r.stage: r for r in RULES}
    if "sections" in by_stage:
        reached = rulebook.steps_reached(by_stage["sections"])
        assert {"sections", "metadata", "screening", "sentences", "mentions", "facts", "themes"} <= reached
    if "indicators" in by_stage:
        assert "normalized" not in rulebook.steps_reached(by_stage["indicators"])
    assert rulebook.downstream({"mentions"}) == {"mentions", "facts"}


def test_the_harness_notices_a_changed_threshold():
    """A threshold set to another value makes its own case fail (the mutation check can kill)."""
    rule = next((r for r in RULES if r.id == "SENT-MAX-LEN"), None)
    if rule is None:
        pytest.skip("no SENT-MAX-LEN rule")
    h = rulebook.Harness([rule], samples=False)
    assert h.failures(rulebook.steps_reached(rule)) == []
    with rules.overridden({rule.id: int(rule.value) // 2}):
        assert any(f.startswith("SENT-MAX-LEN: ") for f in h.failures(rulebook.steps_reached(rule)))


def test_extra_cases_name_a_rule_and_say_why():
    """rule_cases.csv adds cases to rules kept elsewhere (a cue word added to a catalogue row): each
    row names a rule that exists, has an example, an expect and a why, and is run with that rule."""
    ids = {r.id for r in RULES}
    extra = rulebook.extra_cases()
    assert extra, "rule_cases.csv holds the extra cases the README's 'Changing the rules' shows"
    for rule_id, rows in extra.items():
        assert rule_id in ids, f"rule_cases.csv names {rule_id}, which no rule has"
        for row in rows:
            assert row["example"].strip() and row["expect"].strip() and row["why"].strip(), row
            rule = next(r for r in RULES if r.id == rule_id)
            assert (rule.stage, row["example"], rulebook.unescape(row["expect"]), True) in rulebook.cases(rule)
