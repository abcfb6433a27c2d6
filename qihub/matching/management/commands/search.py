"""``qihub search "QUERY" [--kind K] [--city CODE] [--standard CODE] [--range-min X --range-max Y
--unit U] [--max-uncertainty TEXT] [--limit N] [--json]``: the institutions that can meet a need.

Prints what was understood (and what could not be), then the ranked institutions with their
reasons and matching lines; ``--json`` prints ``{"understood": …, "results": […],
"unconfirmed": […]}``. Exits 0 whenever the search ran, even with no results; 2 on bad
arguments.
"""

from __future__ import annotations

import json
import math
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qihub.matching.engine import MatchResult, match_text
from qihub.matching.vocabulary import KIND_LABELS, KINDS

MAX_LIMIT = 100


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise CommandError(f"“{text}” is not a number", returncode=2) from None
    if not math.isfinite(value):
        raise CommandError(f"“{text}” is not a finite number", returncode=2)
    return value


class Command(BaseCommand):
    help = "Find the institutions that can meet a need typed in free text (matching engine)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("query", help="the need, as people type it: 钢筋拉伸试验 沈阳")
        parser.add_argument("--kind", choices=KINDS, help="service kind (overrides the text)")
        parser.add_argument("--city", help="GB/T 2260 code of a city or county, e.g. 210100")
        parser.add_argument("--standard", help="a standard code, e.g. GB/T 228.1-2021")
        parser.add_argument("--range-min", dest="range_min", help="lower bound of the range")
        parser.add_argument("--range-max", dest="range_max", help="upper bound of the range")
        parser.add_argument("--unit", help="unit of the range, e.g. MPa")
        parser.add_argument(
            "--max-uncertainty", dest="max_uncertainty", help="accuracy asked, e.g. U≤0.1%%FS"
        )
        parser.add_argument("--limit", type=int, default=20, help=f"1–{MAX_LIMIT} (default 20)")
        parser.add_argument("--json", action="store_true", help="print the answer as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        limit = options["limit"]
        if not 1 <= limit <= MAX_LIMIT:
            raise CommandError(f"--limit {limit}: expected 1–{MAX_LIMIT}", returncode=2)
        structured: dict[str, Any] = {
            key: options[key]
            for key in ("kind", "city", "standard", "unit", "max_uncertainty")
            if options.get(key)
        }
        for key in ("range_min", "range_max"):
            if options.get(key) not in (None, ""):
                structured[key] = _number(options[key])
        result = match_text(options["query"], limit=limit, **structured)
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, default=str))
            return
        self._print(result)

    def _print(self, result: MatchResult) -> None:
        need = result.need
        understood = []
        if need.kinds:
            understood.append("类型：" + "、".join(KIND_LABELS[k] for k in need.kinds))
        if need.standards:
            understood.append("标准：" + "、".join(s.code for s in need.standards))
        if need.terms:
            understood.append("对象/项目：" + "、".join(need.terms))
        if need.cert_scheme:
            understood.append(f"认证项目：{need.cert_scheme}")
        if need.range is not None:
            understood.append(f"量程：{need.range}")
        if need.accuracy is not None:
            understood.append(f"精度：{need.accuracy}")
        if need.place is not None:
            understood.append(f"地点：{need.place.name}")
        self.stdout.write("理解为：" + ("；".join(understood) or "（无）"))
        for problem in need.problems:
            self.stdout.write(f"  ! {problem}")
        if not result.results:
            self.stdout.write("没有找到符合条件的机构")
        for rank, item in enumerate(result.results, 1):
            organisation = item.organisation
            self.stdout.write(
                f"{rank:>3}. {organisation.name}  {organisation.uscc}  得分 {item.score:.2f}"
            )
            self.stdout.write("     " + "；".join(item.reasons))
            for line in item.lines:
                text = " / ".join(p for p in (line.line.object, line.line.parameter) if p)
                extra = f"  [{'；'.join(line.flags)}]" if line.flags else ""
                self.stdout.write(f"     - {text} {line.line.standards_text}{extra}")
        if result.unconfirmed:
            self.stdout.write(f"精度需人工确认的机构：{len(result.unconfirmed)} 家")
            for item in result.unconfirmed:
                self.stdout.write(f"   ? {item.organisation.name}  {item.organisation.uscc}")
