"""The document number (文号: 某政发〔2024〕3号) on a header line of its own, after its key, or in a
portal's 发文字号 / 文号 field; brackets of any kind are written 〔〕."""

from __future__ import annotations

import re

from transforms import rules
from transforms.metadata.patterns import NEVER, alternation, pattern, rx, words


@rules.cached
def _line_re() -> re.Pattern[str]:
    docno, keys = pattern("META-DOCNO"), alternation(words("META-DOCNO-KEYS"))
    return re.compile(rf"^\s*(?:(?:{keys})\s*[|:：]?\s*)?({docno})") if docno else NEVER


@rules.cached
def _after_key_re() -> re.Pattern[str]:
    docno, keys = pattern("META-DOCNO"), alternation(words("META-DOCNO-FIELD-KEYS"))
    return re.compile(rf"(?:{keys})\s*[|:：]\s*({docno})") if docno else NEVER


def find_doc_number(header: list[str], fields: dict[str, str] | None = None) -> str | None:
    """文号 on a header line of its own or after its key; else the value of a 发文字号 / 文号 field
    however the key is written ("- [ 发文字号 ] 某委文〔2026〕3号")."""
    line, after_key = _line_re(), _after_key_re()
    found = [m.group(1) for ln in header if (m := line.search(ln) or after_key.search(ln))]
    docno = rx("META-DOCNO")
    found += [m.group(0) for k in words("META-DOCNO-FIELD-KEYS") if (m := docno.match((fields or {}).get(k, "")))]
    if not found:
        return None
    no = re.sub(r"\s+", "", found[0])
    return re.sub(r"[\[［(（【]", "〔", re.sub(r"[\]］)）】]", "〕", no))
