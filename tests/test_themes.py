import polars as pl

from transforms.themes import load_themes, shortcoming_theme_hits

TEXT = (
    "一、工作成效\n全年开展普法活动20场。\n"
    "二、存在的不足\n一是部分干部法治意识不强；二是普法宣传形式单一，经费投入不足。\n"
    "三、下一步安排\n加强普法宣传。"
)


def _sections() -> pl.DataFrame:
    start = TEXT.index("二、")
    end = TEXT.index("三、")
    return pl.DataFrame({"source_file": ["a.txt", "a.txt"], "section_no": [1, 2],
                         "section": ["achievements", "shortcomings"], "char_start": [0, start],
                         "char_end": [start, end]})


def test_themes_are_found_only_in_the_shortcomings_part():
    docs = pl.DataFrame({"source_file": ["a.txt"], "text": [TEXT]})
    hits = shortcoming_theme_hits(docs, _sections())
    found = {(r["theme"], r["clause"]) for r in hits.iter_rows(named=True)}
    assert ("awareness", "一是部分干部法治意识不强") in found
    assert ("publicity", "二是普法宣传形式单一，经费投入不足") in found
    assert ("funding", "二是普法宣传形式单一，经费投入不足") in found
    assert all("开展普法活动" not in clause and clause != "加强普法宣传" for _, clause in found)


def test_an_analyst_added_theme_is_matched():
    docs = pl.DataFrame({"source_file": ["a.txt"], "text": [TEXT]})
    themes = pl.concat([load_themes(), pl.DataFrame({"theme": ["cadre_mindset"], "name_zh": ["干部观念"],
                                                     "pattern": ["干部.{0,4}意识"]})])
    hits = shortcoming_theme_hits(docs, _sections(), themes)
    assert hits.filter(pl.col("theme") == "cadre_mindset")["cues"].to_list() == [["干部法治意识"]]


def test_theme_file_loads():
    themes = load_themes()
    assert themes["theme"].is_unique().all() and themes.height >= 6
