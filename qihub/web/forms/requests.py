"""Forms of the service-request pages. They check shape only; the services check the rules."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from qihub.accounts.models import Organisation
from qihub.matching.models import KIND_CHOICES
from qihub.matching.understanding import MAX_QUERY_LENGTH
from qihub.reference.models import Region

MAX_PRICE = 9_999_999_999


class RequestForm(forms.Form):
    need_text = forms.CharField(
        label=_("需要什么服务"),
        max_length=MAX_QUERY_LENGTH,
        help_text=_(
            "像搜索一样描述：对象、项目、标准号、量程、精度、地点，"
            "例如“钢筋拉伸试验 GB/T 228.1-2021 沈阳”"
        ),
    )
    title = forms.CharField(label=_("标题（可选）"), max_length=200, required=False)
    kind = forms.ChoiceField(
        label=_("服务类型"),
        choices=[("", _("按描述自动识别")), *KIND_CHOICES],
        required=False,
    )
    city = forms.ChoiceField(label=_("服务地点"), required=False)
    budget_cny = forms.DecimalField(
        label=_("预算（元，可选）"),
        required=False,
        min_value=0.01,
        max_value=MAX_PRICE,
        decimal_places=2,
    )
    due_on = forms.DateField(
        label=_("希望完成日期（可选）"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    description = forms.CharField(
        label=_("补充说明（可选）"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    enterprise = forms.ChoiceField(label=_("发布企业"))

    def __init__(self, *args: Any, enterprises: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cities = Region.objects.filter(level=Region.Level.PREFECTURE, code__startswith="21")
        cast(forms.ChoiceField, self.fields["city"]).choices = [
            ("", _("按描述自动识别")),
            *((city.code, city.name) for city in cities.order_by("code")),
        ]
        cast(forms.ChoiceField, self.fields["enterprise"]).choices = [
            (o.uscc, o.name) for o in enterprises
        ]
        if len(enterprises) == 1:
            self.fields["enterprise"].widget = forms.HiddenInput()
            self.fields["enterprise"].initial = enterprises[0].uscc


class QuoteForm(forms.Form):
    price_cny = forms.DecimalField(
        label=_("报价（元）"), min_value=0.01, max_value=MAX_PRICE, decimal_places=2
    )
    days = forms.IntegerField(label=_("周期（天）"), min_value=1, max_value=3650)
    valid_until = forms.DateField(
        label=_("报价有效期至（可选，默认30天）"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    conditions = forms.CharField(
        label=_("条件说明（可选）"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("原因"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class RequiredReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("取消原因"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class AdvanceForm(forms.Form):
    to_status = forms.CharField(widget=forms.HiddenInput(), max_length=20)
    report_number = forms.CharField(label=_("报告编号（可选）"), required=False, max_length=80)
    note = forms.CharField(label=_("备注（可选）"), required=False, max_length=4000)


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("评分"),
        choices=[(n, "★" * n) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("评价（可选）"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
