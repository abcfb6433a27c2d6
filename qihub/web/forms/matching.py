"""Forms of the matching pages: the search (free text, kind tabs, filters) and the correction of
what was understood. They check shape only: a value that does not make sense (an unknown city
code, a range whose minimum exceeds its maximum, accuracy text that does not parse) is passed
on to ``understand()``, which reports it as a problem and still understands the rest.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from qihub.matching.understanding import MAX_QUERY_LENGTH
from qihub.matching.vocabulary import (
    KIND_CALIBRATION,
    KIND_CERTIFICATION,
    KIND_TEST,
    KIND_VERIFICATION,
)
from qihub.reference.models import Region
from qihub.web.localise import localised

KIND_LABELS: dict[str, Any] = {
    KIND_TEST: _("检测"),
    KIND_CALIBRATION: _("校准"),
    KIND_VERIFICATION: _("检定"),
    KIND_CERTIFICATION: _("认证"),
}
KIND_CHOICES = [("", _("不限")), *KIND_LABELS.items()]
LIMIT_CHOICES = [(10, "10"), (20, "20"), (50, "50")]
DEFAULT_LIMIT = 20
ALL_CITIES = "210000"  # Liaoning: understand() reads the province code as "no restriction"

# The structured parameters that override what the text says (as understand() takes them).
STRUCTURED = ("kind", "city", "standard", "range_min", "range_max", "unit", "max_uncertainty")

# What a "remove" link may drop from the understood need: a whole part, or one standard, term
# or scheme ("standard:GB/T 228.1-2021", "term:钢筋").
DROP_PARTS = ("kind", "place", "range", "accuracy", "scheme", "standards")
DROP_ITEMS = ("standard", "term")
MAX_DROPS = 20
_DROP = re.compile(rf"^(?:{'|'.join(DROP_PARTS)})$|^(?:{'|'.join(DROP_ITEMS)}):[^\x00]{{1,60}}$")


def _text(label: Any, max_length: int, placeholder: str = "", **attrs: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=False,
        widget=forms.TextInput(
            attrs={
                "placeholder": placeholder,
                "autocomplete": "off",
                "spellcheck": "false",
                **attrs,
            }
        ),
    )


@dataclass(frozen=True)
class Search:
    """A search as the form read it: the text, the structured corrections that were valid, the
    parts of the understanding the user removed, and what was wrong with the rest."""

    q: str
    structured: dict[str, Any]
    limit: int
    drops: tuple[str, ...]
    problems: tuple[str, ...] = field(default=())

    @property
    def asked(self) -> bool:
        """Something to match on: text, a standard, a range or an accuracy. A kind or a city
        alone (the home page's 我要检测 / 我要校准 / 我要认证 links) only preselects the form."""
        return bool(self.q.strip() or set(self.structured) - {"kind", "city"} or self.drops)


class MatchForm(forms.Form):
    """The search page's GET form. ``city`` is a select of the Liaoning cities but any code is
    accepted here, so that an unknown code is reported by ``understand()`` in words."""

    q = forms.CharField(
        label=_("需要什么服务"),
        max_length=MAX_QUERY_LENGTH,
        required=False,
        strip=False,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _(
                    "例如：钢筋拉伸试验 GB/T 228.1-2021 沈阳；压力表检定 0-60MPa 1.6级；"
                    "需要ISO 9001认证；三坐标测量机校准 大连"
                ),
                "autocomplete": "off",
                "spellcheck": "false",
            }
        ),
    )
    kind = forms.ChoiceField(
        label=_("服务类型"), required=False, choices=KIND_CHOICES, widget=forms.RadioSelect
    )
    city = forms.CharField(label=_("地点"), max_length=12, required=False, widget=forms.Select)
    standard = _text(_("标准"), 100, "GB/T 228.1-2021")
    range_min = forms.FloatField(
        label=_("量程下限"),
        required=False,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    range_max = forms.FloatField(
        label=_("量程上限"),
        required=False,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    unit = _text(_("单位"), 20, "MPa")
    max_uncertainty = _text(_("精度要求"), 50, "1.6级、0.05%、U≤0.1℃")
    limit = forms.TypedChoiceField(
        label=_("显示机构数"),
        required=False,
        coerce=int,
        choices=LIMIT_CHOICES,
        empty_value=None,
    )

    def __init__(self, *args: Any, cities: Sequence[Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        city_choices = [
            ("", _("按查询内容")),
            (ALL_CITIES, _("全省（不限城市）")),
            *((city.code, localised(city, "name")) for city in cities),
        ]
        city_widget = cast(forms.Select, self.fields["city"].widget)
        city_widget.choices = city_choices
        city_widget.attrs.pop("maxlength", None)  # a CharField's, meaningless on a select
        self.city_choices = city_choices

    def search(self) -> Search:
        """The valid values only: a bad value in one field does not discard the others, and
        each bad value becomes a problem the page shows next to the understood need."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        problems = [
            f"{self.fields[name].label}：{' '.join(str(m) for m in messages)}"
            for name, messages in self.errors.items()
            if name in self.fields
        ]
        structured: dict[str, Any] = {}
        for name in STRUCTURED:
            value = cleaned.get(name)
            if isinstance(value, str):
                value = value.strip()
            if value is not None and value != "":
                structured[name] = value
        return Search(
            q=str(cleaned.get("q") or ""),
            structured=structured,
            limit=int(cleaned.get("limit") or DEFAULT_LIMIT),
            drops=self.drops(),
            problems=tuple(problems),
        )

    def drops(self) -> tuple[str, ...]:
        """The parts the user removed (``drop`` parameters), well-formed ones only."""
        getlist = getattr(self.data, "getlist", None)
        values = getlist("drop") if getlist else []
        out: list[str] = []
        for value in values[:MAX_DROPS]:
            value = str(value).strip()
            if _DROP.match(value) and value not in out:
                out.append(value)
        return tuple(out)


class CompareForm(forms.Form):
    """Which institutions to compare: at most ``MAX_COMPARED`` unified social credit codes."""

    MAX_COMPARED = 3

    def __init__(self, data: Any) -> None:
        super().__init__(data)
        getlist = getattr(data, "getlist", None)
        raw = [str(v).strip().upper() for v in (getlist("uscc") if getlist else [])]
        self.usccs = list(dict.fromkeys(v for v in raw if v))

    def problem(self) -> str | None:
        if not self.usccs:
            return gettext("请在搜索结果中勾选要对比的机构（最多 %(max)d 家）。") % {
                "max": self.MAX_COMPARED
            }
        if len(self.usccs) > self.MAX_COMPARED:
            return gettext("最多同时对比 %(max)d 家机构，您选择了 %(count)d 家。") % {
                "max": self.MAX_COMPARED,
                "count": len(self.usccs),
            }
        return None
