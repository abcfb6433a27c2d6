"""Forms of the proficiency-testing pages. They check shape only; the services check the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_TEXT = 4000


class SubmissionForm(forms.Form):
    value = forms.FloatField(label=_("结果"))
    unit = forms.CharField(label=_("单位"), max_length=40)
    expanded_uncertainty = forms.FloatField(
        label=_("扩展不确定度 U（可选）"), required=False, min_value=0
    )
    coverage_factor = forms.FloatField(label=_("包含因子 k（可选）"), required=False, min_value=0)
    method = forms.CharField(label=_("检测方法"), max_length=200, required=False)


class ExclusionForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=500, required=False)


class CorrectiveActionForm(forms.Form):
    root_cause = forms.CharField(
        label=_("原因分析"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 4})
    )
    corrective_actions = forms.CharField(
        label=_("纠正措施"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 4})
    )
    evidence = forms.CharField(
        label=_("证明材料（文字说明或附件清单）"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审核结论"), choices=[("accept", _("认可")), ("return", _("退回补充"))]
    )
    comment = forms.CharField(
        label=_("审核意见"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
