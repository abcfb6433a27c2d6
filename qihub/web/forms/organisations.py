"""Filters of the organisation directory."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from qihub.accounts.models import Organisation
from qihub.reference.models import Region
from qihub.web.localise import localised


class OrganisationFilterForm(forms.Form):
    q = forms.CharField(
        label=_("关键词"),
        max_length=100,
        required=False,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("机构名称、统一社会信用代码或拼音首字母"),
                "autocomplete": "off",
                "spellcheck": "false",
            }
        ),
    )
    kind = forms.ChoiceField(
        label=_("机构类型"),
        required=False,
        choices=[("", _("全部类型")), *Organisation.Kind.choices],
    )
    city = forms.ChoiceField(label=_("所在市"), required=False)

    def __init__(self, *args: Any, cities: Sequence[Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        city_field = cast(forms.ChoiceField, self.fields["city"])
        city_field.choices = [
            ("", _("全省各市")),
            *((city.code, localised(city, "name")) for city in cities),
        ]

    def filters(self) -> dict[str, str]:
        """The valid filters only: a bad value in one field does not discard the others."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: str(cleaned.get(name) or "") for name in ("q", "kind", "city")}
