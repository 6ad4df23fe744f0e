"""A hostile raw folder, generated at test time: everything the daily run may find in its inbox.

`make_corpus(root)` writes `root/raw` (the raw folder) and `root/outside` (files the run must never
open: a report holding the sentinel number 777, reached only through links) and returns one
`Expect` per entry of the raw folder: its `source_file` in `marts.file_status`, the status it must
get, a regex its reason must match, whether it must list repairs, and optionally the unit or a fact
value the report must yield. Nothing binary is kept in git; the corpus is deterministic (seeded
random bytes, fixed names) and takes a second or two to write.

Kinds of entries (the `kind` field): good (every format and encoding of the samples), damaged
(readable after a repair), junk (cannot be used), names (hostile but harmless file names),
containment (links in and out of the folder), special (fifo, socket, device, hidden), duplicate,
big (over the size limits the test sets through REPORTS_MAX_FILE_MB / REPORTS_MAX_TEXT_MB).
"""

from __future__ import annotations

import io
import os
import random
import socket
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .test_variants import SAMPLES, big5_bytes, docx_bytes, html_bytes, page_text, pdf_bytes

# units of the five samples (tests/gold/reports.csv)
UNITS = ("大山江街道", "松江镇", "金兰山街道", "阳新经济开发区", "东方山街道")
SENTINEL = 777  # only ever stated in files outside the raw folder
# limits the test sets (MB); the big entries are made to exceed them
MAX_FILE_MB = 1
MAX_TEXT_MB = 1

OUTSIDE = "outside the raw folder"
BROKEN = "broken link|loop"


@dataclass(frozen=True)
class Expect:
    source_file: str  # as marts.file_status shows it (relative, POSIX; bad bytes as \xNN)
    status: str  # loaded / quarantined / skipped
    reason: str | None = None  # regex the reason must match (re.search), None: any (but plain words)
    repairs: bool | None = None  # True: non-empty, False: empty or NULL, None: not checked
    unit_name: str | None = None  # marts.report_overview.unit_name
    fact: float | None = None  # a value among the file's marts.report_facts
    kind: str = ""
    folder: bool = False  # a folder that is skipped whole: its own row, or a row for everything in it
    note: str = ""


def sample_text(k: int) -> str:
    return SAMPLES[k].read_text(encoding="utf-8")


def sentinel_report(unit: str = "青石镇") -> str:
    return (f"{unit}2024年度法治政府建设情况报告\n"
            "一、主要举措和成效\n"
            f"全年开展普法活动{SENTINEL}场，办理行政复议案件{SENTINEL}件，化解矛盾纠纷{SENTINEL}件。\n"
            "二、存在的不足和原因\n部分执法人员法治意识不强。\n"
            "三、2025年工作安排\n继续加强执法队伍建设。\n")


NO_YEAR_REPORT = ("青石镇法治政府建设情况报告\n"
                  "一、主要举措和成效\n本镇开展普法宣传活动15场，办理行政复议案件3件，化解矛盾纠纷42件。\n"
                  "二、存在的不足和原因\n部分执法人员法治意识不强，普法宣传形式单一。\n"
                  "三、下一年度工作安排\n继续加强执法队伍建设，创新普法宣传形式。\n")

RECIPE = ("红烧肉的家常做法\n"
          "食材：五花肉500克，冰糖30克，生抽2勺，老抽1勺，料酒3勺，姜5片，八角2个。\n"
          "一、五花肉切成3厘米见方的块，冷水下锅焯水5分钟，捞出洗净。\n"
          "二、锅中放少许油，加入冰糖小火炒出糖色，倒入肉块翻炒2分钟。\n"
          "三、加入生抽、老抽、料酒和开水，没过肉块，大火烧开后转小火炖60分钟。\n"
          "四、最后大火收汁，装盘即可。可供4人食用。\n")

NEWS = ("我市2024年一季度经济运行情况发布\n"
        "4月18日，市统计局发布数据：2024年一季度全市地区生产总值完成512.3亿元，同比增长6.2%。\n"
        "规模以上工业增加值增长8.1%，社会消费品零售总额186.4亿元，增长7.5%。\n"
        "全市新增市场主体12345户，城镇新增就业2.1万人。记者 王小明\n")


def _pdf_image_only() -> bytes:
    """A 'scanned' page: drawn shapes (a grey page with dark bars where lines of text would be), no text."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4)
    pdf.setFillGray(0.92)
    pdf.rect(0, 0, *A4, fill=1, stroke=0)
    pdf.setFillGray(0.2)
    rnd = random.Random(7)
    for k in range(30):
        pdf.rect(72, 760 - k * 22, rnd.randint(200, 450), 11, fill=1, stroke=0)
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


def _docx_text(text: str) -> bytes:
    """A DOCX of one title and one long paragraph (compresses to a few kB whatever its length)."""
    import docx

    document = docx.Document()
    document.add_heading("青石镇2024年度法治政府建设情况报告", level=1)
    document.add_paragraph(text)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


def _scatter(data: bytes, junk: list[bytes], seed: int) -> bytes:
    """Insert each of `junk` at a random line start of `data` (never inside a UTF-8 sequence)."""
    rnd = random.Random(seed)
    lines = data.split(b"\n")
    for piece in junk:
        k = rnd.randrange(3, len(lines) - 3)
        lines[k] = piece + lines[k]
    return b"\n".join(lines)


def make_huge(raw: Path) -> Expect:
    """A report followed by holes up to 33 MB (sparse: no disk used), over the default
    REPORTS_MAX_FILE_MB of 32."""
    path = raw / "huge.txt"
    path.write_bytes(sample_text(0).encode("utf-8"))
    os.truncate(path, 33 * 2**20)
    return Expect("huge.txt", "quarantined", "too large", kind="big", note="33 MB, default limit")


def make_corpus(root: Path) -> list[Expect]:
    """Write root/raw and root/outside; return what the run must make of each raw entry."""
    raw, outside = root / "raw", root / "outside"
    raw.mkdir(parents=True)
    (outside / "dir").mkdir(parents=True)
    out: list[Expect] = []
    texts = [sample_text(k) for k in range(5)]
    utf8 = [t.encode("utf-8") for t in texts]

    def put(name: str, data: bytes) -> Path:
        path = raw / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    def add(name: str, data: bytes | None, status: str, kind: str, **kw) -> None:
        if data is not None:
            put(name, data)
        out.append(Expect(name, status, kind=kind, **kw))

    # ------------------------------------------------------------------ outside the folder
    (outside / "sentinel.txt").write_text(sentinel_report(), encoding="utf-8")
    (outside / "dir" / "sentinel_in_dir.txt").write_text(sentinel_report("白石镇"), encoding="utf-8")
    (outside / "sentinel.pdf").write_bytes(pdf_bytes(sentinel_report("红石镇")))

    # ------------------------------------------------------------------ good: every format and encoding
    g = "good"
    for k in range(5):  # the samples as they are (clean: nothing to repair)
        add(SAMPLES[k].name, utf8[k], "loaded", g, unit_name=UNITS[k], repairs=False)
    add("good/0.gb18030.txt", texts[0].encode("gb18030"), "loaded", g, unit_name=UNITS[0])
    add("good/4.gb18030.txt", texts[4].encode("gb18030"), "loaded", g, unit_name=UNITS[4], fact=372)
    add("good/1.big5.txt", big5_bytes(texts[1]), "loaded", g, unit_name=UNITS[1])
    add("good/3.big5.txt", big5_bytes(texts[3]), "loaded", g, unit_name=UNITS[3])
    add("good/0.utf16le-bom.txt", b"\xff\xfe" + texts[0].encode("utf-16-le"), "loaded", g, unit_name=UNITS[0])
    add("good/2.utf16be-bom.txt", b"\xfe\xff" + texts[2].encode("utf-16-be"), "loaded", g, unit_name=UNITS[2])
    add("good/1.utf16le.txt", texts[1].encode("utf-16-le"), "loaded", g, unit_name=UNITS[1])
    add("good/4.utf16be.txt", texts[4].encode("utf-16-be"), "loaded", g, unit_name=UNITS[4], fact=372)
    add("good/0.html", html_bytes(texts[0]), "loaded", g, unit_name=UNITS[0])
    add("good/1.gbk.html", html_bytes(texts[1], "gbk"), "loaded", g, unit_name=UNITS[1])
    add("good/3.cms.htm", html_bytes(texts[3], old_cms=True), "loaded", g, unit_name=UNITS[3])
    add("good/2.page.txt", page_text(html_bytes(texts[2]).decode("utf-8")).encode("utf-8"), "loaded", g,
        unit_name=UNITS[2])
    add("good/2.md", utf8[2], "loaded", g, unit_name=UNITS[2])
    add("good/0.docx", docx_bytes(texts[0]), "loaded", g, unit_name=UNITS[0])
    add("good/4.docx", docx_bytes(texts[4]), "loaded", g, unit_name=UNITS[4], fact=372)
    pdf4 = pdf_bytes(texts[4])
    add("good/4.pdf", pdf4, "loaded", g, unit_name=UNITS[4], fact=372)
    add("good/1.pdf", pdf_bytes(texts[1], block=True), "loaded", g, unit_name=UNITS[1])
    add("good/UPPER CASE.TXT", utf8[1], "loaded", g, unit_name=UNITS[1], note="upper-case extension")

    # ------------------------------------------------------------------ damaged but readable
    d = "damaged"
    mid = len(utf8[0]) // 2
    cut = utf8[0].index(b"\n", mid) + 1
    add("damaged/nul.txt", utf8[0][:cut] + b"\x00" + utf8[0][cut:], "loaded", d, repairs=True,
        unit_name=UNITS[0], note="one NUL byte")
    add("damaged/control.txt", _scatter(utf8[1], [b"\x01", b"\x08", b"\x1b", b"\x7f", b"\x1f"], 1), "loaded", d,
        repairs=True, unit_name=UNITS[1], note="stray control bytes")
    add("damaged/invalid11.txt", _scatter(utf8[2], [b"\xff", b"\xc3", b"\x80", b"\xfe"] * 2 + [b"\xed\xa0", b"\xf8"],
                                          2), "loaded", d, repairs=True, unit_name=UNITS[2],
        note="11 invalid UTF-8 bytes scattered")
    add("damaged/utf16-lastbyte.txt", (b"\xff\xfe" + texts[3].encode("utf-16-le"))[:-1], "loaded", d, repairs=True,
        unit_name=UNITS[3], note="UTF-16 missing its last byte")
    tail = utf8[4].rstrip()
    add("damaged/utf8-cut.txt", tail[:-2], "loaded", d, repairs=True, unit_name=UNITS[4],
        note="UTF-8 cut in the middle of its last character")
    zw = "\u200b".join(texts[4])  # a zero-width space between every two characters, digits too
    add("damaged/zero-width.txt", zw.encode("utf-8"), "loaded", d, unit_name=UNITS[4], fact=372,
        note="zero-width spaces everywhere")
    page = html_bytes(texts[0]).decode("utf-8")
    deep = page.replace("<body>", "<body>" + "<div>" * 20000, 1).replace("</body>", "</div>" * 20000 + "</body>", 1)
    add("damaged/deep-divs.html", deep.encode("utf-8"), "loaded", d, unit_name=UNITS[0],
        note="20,000 nested <div>s")
    add("damaged/crlf.txt", texts[0].replace("\n", "\r\n").encode("utf-8"), "loaded", d, unit_name=UNITS[0])
    add("damaged/cr-only.txt", texts[1].replace("\n", "\r").encode("utf-8"), "loaded", d, unit_name=UNITS[1])
    misdeclared = b"\xef\xbb\xbf" + html_bytes(texts[1]).replace(b"charset=utf-8", b"charset=gbk")
    add("damaged/bom-says-gbk.html", misdeclared, "loaded", d, unit_name=UNITS[1],
        note="UTF-8 BOM, <meta> declares gbk")
    add("damaged/gb18030-cut.txt", texts[4].encode("gb18030")[:-1], "loaded", d, unit_name=UNITS[4],
        note="GB18030 missing its last byte")

    # ------------------------------------------------------------------ junk: cannot be used
    j = "junk"
    rnd = random.Random(42)
    add("junk/empty.txt", b"", "quarantined", j, reason="empty")
    add("junk/whitespace.txt", " \n\t\r\n\u3000 \n".encode(), "quarantined", j)
    add("junk/bom-only.txt", b"\xef\xbb\xbf", "quarantined", j)
    add("junk/nul-only.txt", b"\x00" * 4096, "quarantined", j)
    add("junk/random.txt", rnd.randbytes(8192), "quarantined", j)
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00" + rnd.randbytes(
        4000)
    add("junk/picture.png.txt", png, "quarantined", j, note="PNG renamed .txt")
    add("junk/archive.zip.txt", _zip({"a.txt": utf8[0]}), "quarantined", j, note="ZIP renamed .txt")
    add("junk/truncated.pdf", pdf4[: len(pdf4) // 3], "quarantined", j)
    add("junk/image-only.pdf", _pdf_image_only(), "quarantined", j, reason="(?i)text",
        note="a scan: no text layer")
    add("junk/not-a.pdf", utf8[0], "quarantined", j, note="text renamed .pdf")
    docx0 = docx_bytes(texts[0])
    add("junk/truncated.docx", docx0[: len(docx0) // 2], "quarantined", j)
    add("junk/text-renamed.docx", utf8[0], "quarantined", j)
    add("junk/plain-zip.docx", _zip({"readme.txt": utf8[0]}), "quarantined", j, note="a zip that is not OOXML")
    add("junk/no-body.html", b"<!DOCTYPE html><html><head><title>x</title><script>var a=1;</script></head>"
                             b"<body>\n<div>  </div></body></html>", "quarantined", j)
    add("junk/recipe.txt", RECIPE.encode("utf-8"), "quarantined", j, note="not a report")
    add("junk/news.txt", NEWS.encode("utf-8"), "quarantined", j, note="a news item with numbers")
    add("junk/no-year.txt", NO_YEAR_REPORT.encode("utf-8"), "quarantined", j, reason="(?i)year|年")
    add("junk/report.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + rnd.randbytes(2000), "quarantined", j,
        reason=r"(?i)\bxls\b")
    add("junk/report.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + utf8[0], "quarantined", j, reason=r"(?i)\bdoc\b")
    add("junk/setup.exe", b"MZ\x90\x00" + rnd.randbytes(2000), "quarantined", j, reason=r"(?i)\bexe\b")
    add("junk/README", utf8[0], "quarantined", j, reason="(?i)extension|format", note="no extension")

    # ------------------------------------------------------------------ names: hostile, harmless
    n = "names"
    fd = os.open(os.fsencode(raw) + b"/\xff\xfe-report.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.write(fd, utf8[0])
    os.close(fd)
    out.append(Expect(r"\xff\xfe-report.txt", "loaded", kind=n, unit_name=UNITS[0], note="name not UTF-8"))
    long_name = "long-" + "x" * 191 + ".txt"
    assert len(long_name) == 200
    for name, k in [("report with spaces.txt", 1), ("it's a \"quoted\" report.txt", 2),
                    ("x'; drop table x; --.txt", 3), ("法治政府建设年度报告（2024·终稿）.txt", 4),
                    ("émoji 📄 report.txt", 0), (long_name, 1), ("-rf.txt", 2), ("100%_[a]*?.txt", 3),
                    ("line\nbreak.txt", 4), ("back\\slash.txt", 0), ("$(touch pwned) `id`.txt", 1),
                    ("cafe\u0301.txt", 2), ("caf\u00e9.txt", 3),  # NFD and NFC: two names that look alike
                    ("nested/a/b/c/d/e/deep.txt", 4), ("2023/report.txt", 0), ("2024/report.txt", 1)]:
        add(name, utf8[k], "loaded", n, unit_name=UNITS[k])

    # ------------------------------------------------------------------ duplicates
    add("dup/copy-a.txt", utf8[3], "loaded", "duplicate", unit_name=UNITS[3])
    add("dup/copy-b.txt", utf8[3], "loaded", "duplicate", unit_name=UNITS[3])

    # ------------------------------------------------------------------ containment: links
    c = "containment"
    links = [  # (name in raw, target as written in the link, status, reason regex)
        ("link/rel-out.txt", "../../outside/sentinel.txt", "skipped", OUTSIDE),
        ("link/abs-out.txt", str(outside / "sentinel.txt"), "skipped", OUTSIDE),
        ("link/abs-out.pdf", str(outside / "sentinel.pdf"), "skipped", OUTSIDE),
        ("link/passwd.txt", "/etc/passwd", "skipped", OUTSIDE),
        ("link/out-dir", "../../outside/dir", "skipped", OUTSIDE),
        ("link/parent", "..", "skipped", "link to a folder"),  # raw/link/.. is the raw folder itself
        ("link/grandparent", "../..", "skipped", OUTSIDE),
        ("link/root", "/", "skipped", OUTSIDE),
        ("link/in-dir", "../nested", "skipped", "link to a folder"),
        ("link/raw-itself", ".", "skipped", "link to a folder"),
        ("link/loop-a.txt", "loop-b.txt", "skipped", BROKEN),
        ("link/loop-b.txt", "loop-a.txt", "skipped", BROKEN),
        ("link/self.txt", "self.txt", "skipped", BROKEN),
        ("link/dangling.txt", "no-such-file.txt", "skipped", "broken link"),
        ("link/chain-out.txt", "rel-out.txt", "skipped", OUTSIDE),  # a link to a link that leaves
        ("link/in-file.txt", f"../{SAMPLES[0].name}", "loaded", None),  # stays inside
        ("link/out-and-back.txt", f"../../raw/{SAMPLES[1].name}", "loaded", None),  # leaves by name, lands inside
    ]
    for name, target, status, reason in links:
        path = raw / name
        path.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, path)
        out.append(Expect(name, status, reason, kind=c, note=f"-> {target}"))
    os.link(raw / SAMPLES[2].name, raw / "link" / "hardlink.txt")
    out.append(Expect("link/hardlink.txt", "loaded", kind=c, unit_name=UNITS[2], note="a hard link"))

    # ------------------------------------------------------------------ special files and hidden ones
    s = "special"
    (raw / "special").mkdir()
    os.mkfifo(raw / "special" / "pipe.txt")
    out.append(Expect("special/pipe.txt", "skipped", "named pipe", kind=s))
    cwd = os.getcwd()
    os.chdir(raw / "special")  # a short relative path: AF_UNIX paths are limited to ~100 bytes
    try:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.bind("socket.txt")
        sock.close()
    finally:
        os.chdir(cwd)
    out.append(Expect("special/socket.txt", "skipped", "socket", kind=s))
    try:  # /dev/null's numbers: harmless even if opened (needs root or CAP_MKNOD)
        os.mknod(raw / "special" / "device.txt", 0o600 | stat.S_IFCHR, os.makedev(1, 3))
        out.append(Expect("special/device.txt", "skipped", "device", kind=s))
    except (PermissionError, OSError):
        pass
    add(".hidden-report.txt", utf8[0], "skipped", s, reason="hidden")
    add("nested/.also-hidden.txt", utf8[1], "skipped", s, reason="hidden")
    put(".cache/report.txt", utf8[2])
    put(".cache/deeper/report.txt", utf8[3])
    out.append(Expect(".cache", "skipped", "hidden", kind=s, folder=True, note="a hidden folder"))
    put("nested/report.txt", utf8[4])
    out.append(Expect("nested/report.txt", "loaded", kind=n, unit_name=UNITS[4]))
    if os.geteuid() != 0:  # root reads anything: the case only exists for other users
        add("special/unreadable.txt", utf8[0], "skipped", s, reason="cannot be read")
        os.chmod(raw / "special" / "unreadable.txt", 0)

    # ------------------------------------------------------------------ big
    b = "big"
    body = utf8[1]
    add("big/over-file-limit.txt", body * (MAX_FILE_MB * 2**20 // len(body) + 2), "quarantined", b,
        reason="too large", note=f"over REPORTS_MAX_FILE_MB={MAX_FILE_MB}")
    bomb = _docx_text(texts[0] * (MAX_TEXT_MB * 2**20 // len(texts[0]) + 20))
    assert len(bomb) < MAX_FILE_MB * 2**20, "the text bomb must pass the file limit"
    add("big/text-bomb.docx", bomb, "quarantined", b, reason="too large",
        note=f"small file, text over REPORTS_MAX_TEXT_MB={MAX_TEXT_MB}")
    names = [e.source_file for e in out]
    assert len(names) == len(set(names)), "duplicate expectations"
    return out
