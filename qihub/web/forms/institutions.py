"""Forms of the institution pages: finding institutions, filtering a scope, the self-service
profile and the scope upload. They check shape only; the institutions services decide the rest."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from qihub.accounts.models import Organisation
from qihub.institutions.models import QUALIFICATION_TYPE_CHOICES, CapabilityLine, Qualification
from qihub.reference.models import Field, Region
from qihub.web.forms.uploads import DataFileUploadForm, data_file_field
from qihub.web.localise import localised

SERVICE_SCOPE = "service"  # the qualification choice for lines that need none
INSTITUTION_KIND_CHOICES = [
    (kind.value, kind.label) for kind in Organisation.Kind if kind in Organisation.INSTITUTION_KINDS
]


def _search(placeholder: Any, label: Any = None) -> forms.CharField:
    return forms.CharField(
        label=label or _("关键词"),
        max_length=100,
        required=False,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": placeholder,
                "autocomplete": "off",
                "spellcheck": "false",
            }
        ),
    )


class FilterForm(forms.Form):
    """Filters of a list: a bad value in one field does not discard the others."""

    names: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()  # check boxes: True or False, never ""

    def filters(self) -> dict[str, Any]:
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            name: bool(cleaned.get(name)) if name in self.flags else str(cleaned.get(name) or "")
            for name in self.names
        }


class InstitutionFilterForm(FilterForm):
    names = ("q", "kind", "city", "qualification_type", "valid_only")
    flags = ("valid_only",)

    q = _search(_("机构名称、统一社会信用代码、拼音或拼音首字母"))
    kind = forms.ChoiceField(
        label=_("机构类型"),
        required=False,
        choices=[("", _("全部类型")), *INSTITUTION_KIND_CHOICES],
    )
    city = forms.ChoiceField(label=_("所在市"), required=False)
    qualification_type = forms.ChoiceField(
        label=_("资质类型"),
        required=False,
        choices=[("", _("全部资质")), *QUALIFICATION_TYPE_CHOICES],
    )
    valid_only = forms.BooleanField(label=_("只看持有有效资质的机构"), required=False)

    def __init__(self, *args: Any, cities: Sequence[Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        city_field = cast(forms.ChoiceField, self.fields["city"])
        city_field.choices = [
            ("", _("全省各市")),
            *((city.code, localised(city, "name")) for city in cities),
        ]


class CapabilityFilterForm(FilterForm):
    names = ("q", "kind", "field", "standard", "flagged")
    flags = ("flagged",)

    q = _search(_("对象或参数，如：钢筋 抗拉强度、压力表"), label=_("对象或参数"))
    kind = forms.ChoiceField(
        label=_("类别"), required=False, choices=[("", _("全部类别")), *CapabilityLine.Kind.choices]
    )
    field = forms.ChoiceField(label=_("领域"), required=False)
    standard = forms.CharField(
        label=_("方法标准"),
        max_length=100,
        required=False,
        widget=forms.TextInput(
            attrs={"placeholder": "GB/T 228.1-2021", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    flagged = forms.BooleanField(label=_("只看需要关注的能力"), required=False)

    def __init__(self, *args: Any, fields: Sequence[Field], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, str]] = [("", str(_("全部领域")))]
        for item in fields:
            indent = "\u3000" if item.parent_id else ""
            choices.append((item.code, f"{indent}{item.code} {localised(item, 'name')}"))
        cast(forms.ChoiceField, self.fields["field"]).choices = choices


class InstitutionProfileForm(forms.Form):
    """The self-service profile fields (accounts.services.PROFILE_FIELDS) an institution edits."""

    name_en = forms.CharField(label=_("英文名称"), max_length=300, required=False)
    address = forms.CharField(label=_("地址"), max_length=300, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=40, required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    website = forms.URLField(label=_("网站"), required=False, assume_scheme="https")
    description = forms.CharField(
        label=_("机构简介"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    longitude = forms.DecimalField(
        label=_("经度"),
        required=False,
        max_digits=9,
        decimal_places=5,
        min_value=-180,
        max_value=180,
    )
    latitude = forms.DecimalField(
        label=_("纬度"), required=False, max_digits=9, decimal_places=5, min_value=-90, max_value=90
    )

    FIELDS = (
        "name_en",
        "address",
        "phone",
        "email",
        "website",
        "description",
        "longitude",
        "latitude",
    )

    @classmethod
    def for_organisation(cls, organisation: Organisation) -> InstitutionProfileForm:
        return cls(initial={name: getattr(organisation, name) for name in cls.FIELDS})

    def changes(self, organisation: Organisation) -> dict[str, Any]:
        """The cleaned values that differ from what is stored (empty text is "")."""
        return {
            name: self.cleaned_data.get(name)
            for name in self.FIELDS
            if getattr(organisation, name) != self.cleaned_data.get(name)
        }


class ScopeUploadForm(DataFileUploadForm):
    MERGE = "merge"
    REPLACE = "replace"

    file = data_file_field(_("能力范围文件"))
    mode = forms.ChoiceField(
        label=_("导入方式"),
        choices=[
            (MERGE, _("新增或更新：文件中的能力逐条写入，文件中没有的保持不变")),
            (REPLACE, _("替换：所选资质下的能力以文件为准，文件中没有的将被删除")),
        ],
        initial=MERGE,
        widget=forms.RadioSelect,
    )
    qualification = forms.ChoiceField(
        label=_("替换哪项资质下的能力"),
        required=False,
        help_text=_("仅“替换”时使用；文件中的每一行都须属于该资质。"),
    )

    def __init__(self, *args: Any, qualifications: Sequence[Qualification], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, str]] = [("", str(_("请选择")))]
        choices += [(str(q.pk), f"{q.get_type_display()} {q.number}") for q in qualifications]
        choices.append((SERVICE_SCOPE, str(_("技术服务（无需资质）"))))
        cast(forms.ChoiceField, self.fields["qualification"]).choices = choices

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("mode") == self.REPLACE and not cleaned.get("qualification"):
            self.add_error("qualification", _("替换时请选择资质"))
        return cleaned
