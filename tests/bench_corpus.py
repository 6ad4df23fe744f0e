"""A generated national crop of reports for `make bench` (deterministic by seed).

Each report is composed from the five samples in raw/: their paragraphs, grouped by the standard
part they stand under (achievements, shortcomings, leadership duty, next year's plan, other), drawn
with replacement, numbers changed and the samples' own unit names replaced; a title and a
signature naming a generated unit (town 镇/乡, street 街道, county 县/区, city 市, department 局,
development zone 开发区) and a year 2019–2025; 2–60 KB of text. Formats: ~80% .txt, 10% .html
pages, 5% .pdf, 5% .docx; ~5% in traditional script (OpenCC s2tw); 2% duplicates (the same
bytes under another name, or the same report in another format: a page's attachment); 1% junk
(empty, binary, a text that is not a report).

PDFs and DOCX files are slow to write (~40 ms each), so only the first `UNIQUE_SLOW` of each
are rendered; later ones reuse one of them under another name (they are then exact copies).

    python tests/bench_corpus.py <folder> [count] [seed]
"""

from __future__ import annotations

import hashlib
import random
import re
import sys
from pathlib import Path

import opencc

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.test_variants import HEADING, blocks, docx_bytes, html_bytes, pdf_bytes  # noqa: E402

UNIQUE_SLOW = 40  # PDFs (and DOCX files) actually rendered; the rest reuse them
PARTS = ("achievements", "shortcomings", "leadership_duty", "next_year_plan", "other")
PART_OF = [  # the sample heading's words -> its part (first match)
    ("other", re.compile("其他|其它")),
    ("leadership_duty", re.compile("第一责任人")),
    ("shortcomings", re.compile("不足|问题")),
    ("next_year_plan", re.compile("安排|计划|打算|下一步|思路")),
    ("achievements", re.compile("举措|措施|成效|情况|工作")),
]
HEADINGS = {
    "achievements": ["{y}年度推进法治政府建设的主要举措和成效", "主要措施", "主要工作及成效", "法治政府建设主要举措"],
    "shortcomings": ["{y}年度推进法治政府建设存在的不足和原因", "存在问题和不足", "存在的问题及原因"],
    "leadership_duty": ["党政主要负责人履行推进法治建设第一责任人职责，加强法治政府建设的有关情况",
                        "党政主要负责人履行推进法治建设第一责任人职责情况"],
    "next_year_plan": ["{n}年度推进法治政府建设的主要安排", "{n}年工作计划", "下一步工作打算"],
    "other": ["其他需要报告的情况"],
}
NUMERALS = "一二三四五六"
# the samples' own names, longest first, replaced by the generated unit's short name
SAMPLE_NAMES = ["吴川市大山江街道办事处", "新县金兰山街道办事处", "阳新县经济开发区管委会", "阳新县经济开发区",
                "东方山街道办事处", "大山江街道", "金兰山街道", "东方山街道", "松江镇", "大山江", "金兰山", "东方山"]
_PINYIN = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")
_NUMBER = re.compile(r"(?<![\d.])(\d+)(?:\.(\d+))?(?![\d.])")
_YEAR = re.compile(r"20[12]\d(?=年)")

SYL = list("安宝北昌长成东丰福广海和华江金晋康兰乐丽临龙隆明南宁平青庆荣瑞山善寿顺泰天通文武西祥新兴阳义永玉裕云泽中")
PROVINCE_CITY = ["广东省", "湖北省", "河南省", "四川省", "浙江省", "江苏省", "山东省", "湖南省", "云南省", "河北省"]
DEPTS = ["司法局", "市场监督管理局", "生态环境局", "自然资源局", "住房和城乡建设局", "交通运输局", "应急管理局",
         "人力资源和社会保障局", "卫生健康局", "教育局", "农业农村局", "水利局", "民政局", "文化广电旅游局"]
NOT_A_REPORT = ("关于开展春季义务植树活动的通知\n各村（社区）、各站所：\n为进一步改善人居环境，经研究，定于三月中旬"
                "开展义务植树活动。请各单位组织干部职工积极参加，做好安全保障。\n特此通知。\n")

_s2tw = opencc.OpenCC("s2tw")


def _pool() -> dict[str, list[str]]:
    """Paragraphs of the samples by the part they stand under (simplified, pinyin removed)."""
    t2s = opencc.OpenCC("t2s")
    pool: dict[str, list[str]] = {p: [] for p in PARTS}
    for path in sorted((REPO / "raw").glob("*.txt")):
        text = _PINYIN.sub("", path.read_text(encoding="utf-8"))
        if "這" in text or "與" in text or "進" in text:
            text = t2s.convert(text)
        part = "achievements"
        for kind, content in blocks(text):
            line = str(content).replace("**", "").strip()
            if kind == "heading" and re.match(r"^[一二三四五六七八九十]+、", line) and "报告" not in line:
                part = next((p for p, rx in PART_OF if rx.search(line)), part)
                continue
            if kind not in {"para", "heading"} or len(line) < 20 or "报告" in line and len(line) < 80 or "如下" in line:
                continue
            if HEADING.match(line) and len(line) < 30:
                continue  # a bare sub-heading: the generator numbers its own
            for name in SAMPLE_NAMES:
                line = line.replace(name, "{u}")
            pool[part].append(line)
    pool["other"] = pool["other"] or pool["achievements"][:3]
    return pool


POOL = _pool()


def unit(rng: random.Random) -> tuple[str, str, str]:
    """(level, short name, full name as it signs)."""
    name = lambda k=2: "".join(rng.sample(SYL, k))  # noqa: E731
    city, county = name() + "市", name() + rng.choice("县区")
    level = rng.choices(["镇", "街道", "县", "市", "部门", "开发区"], [35, 20, 20, 8, 12, 5])[0]
    if level == "镇":
        short = name() + rng.choice(["镇", "镇", "镇", "乡"])
        return level, short, f"{city}{county}{short}人民政府"
    if level == "街道":
        short = name() + "街道"
        return level, short, f"{city}{county}{short}办事处"
    if level == "县":
        return level, county, f"{rng.choice(PROVINCE_CITY)}{city}{county}人民政府"
    if level == "市":
        return level, city, f"{rng.choice(PROVINCE_CITY)}{city}人民政府"
    if level == "部门":
        short = rng.choice([city, county]) + rng.choice(DEPTS)
        return level, short, short
    short = name() + rng.choice(["经济开发区", "高新技术产业开发区", "经济技术开发区"])
    return level, short, f"{city}{short}管理委员会"


def _numbers(line: str, rng: random.Random) -> str:
    def change(m: re.Match) -> str:
        whole = m.group(1)
        if len(whole) == 4 and whole.startswith(("19", "20")) or len(whole) > 7:
            return m.group(0)
        n = int(whole)
        new = max(1, round(n * rng.uniform(0.5, 1.6))) if n > 1 else n
        return str(new) + (f".{rng.randint(0, 9)}" if m.group(2) else "")

    return _NUMBER.sub(change, line)


def report_text(rng: random.Random) -> tuple[str, dict]:
    level, short, full = unit(rng)
    year = rng.randint(2019, 2025)
    target = int(min(60_000, max(2_000, rng.lognormvariate(9.2, 0.6))))  # bytes; median ~10 KB
    parts = ["achievements", "shortcomings", "leadership_duty", "next_year_plan"]
    if rng.random() < 0.3:
        parts.append("other")
    if rng.random() < 0.2:
        parts.remove(rng.choice(parts[1:]))
    title = rng.choice(["{f}关于{y}年度法治政府建设情况的报告", "{f}{y}年法治政府建设工作报告",
                        "{s}{y}年度法治政府建设年度报告"]).format(f=full, s=short, y=year)
    lines = [title, f"{year}年，{short}坚持以习近平新时代中国特色社会主义思想为指导，深入学习贯彻习近平法治思想，"
             f"扎实推进法治政府建设各项工作。现将{short}{year}年度法治政府建设情况报告如下："]
    size = len("".join(lines).encode())
    share = {p: (0.55 if p == "achievements" else 0.15) for p in parts}
    for k, part in enumerate(parts):
        lines.append(f"{NUMERALS[k]}、" + rng.choice(HEADINGS[part]).format(y=year, n=year + 1))
        budget, sub, used = target * share[part] / sum(share.values()), 0, 0
        while used < budget or used == 0:
            line = rng.choice(POOL[part])
            yr = year + 1 if part == "next_year_plan" else year
            line = _YEAR.sub(str(yr), _numbers(line.replace("{u}", short), rng))
            if not HEADING.match(line) and rng.random() < 0.4:
                sub += 1
                line = f"（{NUMERALS[min(sub, 6) - 1] if sub <= 6 else sub}）" + line
            lines.append(line)
            used += len(line.encode())
        size += used
    lines += [full, f"{year + 1}年{rng.randint(1, 3)}月{rng.randint(1, 28)}日"]
    return "\n".join(lines) + "\n", {"level": level, "unit": short, "year": year, "size": size}


def generate(folder: Path, count: int, seed: int = 2025, start: int = 0) -> dict:
    """Write `count` files into `folder` (names from index `start` on); returns counts by kind."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    slow: dict[str, list[bytes]] = {"pdf": [], "docx": []}
    written: list[tuple[str, bytes, str]] = []  # (ext, bytes, text) of reports written
    stats: dict[str, int] = {}
    for i in range(start, start + count):
        stem = f"{i:05d}_{hashlib.sha1(f'{seed}-{i}'.encode()).hexdigest()[:16]}"
        roll = rng.random()
        if roll < 0.01:
            kind = ("empty", "binary", "notice")[i % 3]
            data = {"empty": b"", "binary": rng.randbytes(rng.randint(500, 5000)),
                    "notice": NOT_A_REPORT.encode()}[kind]
            ext = ".bin" if kind == "binary" else ".txt"
        elif roll < 0.03 and written:
            ext, data, text = rng.choice(written)
            if rng.random() < 0.5:
                kind = "duplicate (same bytes)"
            else:  # the page's attachment / the attachment's page
                kind = "duplicate (other format)"
                ext = ".docx" if ext == ".html" else ".html"
                data = docx_bytes(text) if ext == ".docx" else html_bytes(text)
        else:
            text, _ = report_text(rng)
            ext = rng.choices([".txt", ".html", ".pdf", ".docx"], [80, 10, 5, 5])[0]
            if rng.random() < 0.05:
                text = _s2tw.convert(text)
                stats["traditional"] = stats.get("traditional", 0) + 1
            kind = "report " + ext
            if ext == ".txt":
                data = text.encode()
            elif ext == ".html":
                data = html_bytes(text, charset=rng.choice(["utf-8", "utf-8", "gbk"]))
            else:
                cache = slow[ext[1:]]
                if len(cache) < UNIQUE_SLOW:
                    cache.append(pdf_bytes(text) if ext == ".pdf" else docx_bytes(text))
                    data = cache[-1]
                else:
                    data, kind = rng.choice(cache), f"report {ext} (reused)"
            written.append((ext, data, text))
        (folder / f"{stem}{ext}").write_bytes(data)
        stats[kind] = stats.get(kind, 0) + 1
        stats["bytes"] = stats.get("bytes", 0) + len(data)
    return stats


if __name__ == "__main__":
    import time

    t0 = time.perf_counter()
    out = generate(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 1000,
                   int(sys.argv[3]) if len(sys.argv) > 3 else 2025)
    print(out, f"{time.perf_counter() - t0:.1f} s")
