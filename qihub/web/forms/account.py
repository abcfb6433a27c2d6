"""Issuing an API token from the account page: a name and how long the token lives."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

# Days a new token lives; "" means it never expires. Every choice lies within the 1–366 days
# the API accepts for ``expires_in_days``.
EXPIRY_CHOICES = [
    ("30", _("30 天")),
    ("90", _("90 天")),
    ("180", _("180 天")),
    ("365", _("365 天")),
    ("", _("永不过期")),
]
DEFAULT_EXPIRY = "90"


class ApiTokenForm(forms.Form):
    # CharField strips spaces and refuses NUL characters, so "   " counts as empty.
    name = forms.CharField(
        label=_("令牌名称"),
        max_length=100,
        error_messages={
            "required": _("请填写令牌名称。"),
            "max_length": _("令牌名称最多 %(limit_value)d 个字符（现为 %(show_value)d 个）。"),
        },
        help_text=_("用于区分不同用途，例如“LIMS 数据同步”。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    expires_in_days = forms.TypedChoiceField(
        label=_("有效期"),
        choices=EXPIRY_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        initial=DEFAULT_EXPIRY,
        error_messages={"invalid_choice": _("请从列表中选择有效期。")},
    )
