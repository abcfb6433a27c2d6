"""Forms of a certification body's desk (filters, certificate upload) and of the status change on
a certificate's page. They check shape only; the certification services decide the rest."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from qihub.accounts.models import Organisation
from qihub.certification.models import Certificate
from qihub.certification.types import type_name
from qihub.web.forms.institutions import FilterForm
from qihub.web.forms.uploads import DataFileUploadForm, data_file_field


class DeskFilterForm(FilterForm):
    """The desk's certificate list: a bad value in one field does not discard the others."""

    names = ("q", "status", "type", "expiring")
    flags = ("expiring",)

    q = forms.CharField(
        label=_("证书编号、获证组织名称或统一社会信用代码"),
        max_length=100,
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    status = forms.ChoiceField(
        label=_("当前状态"),
        required=False,
        choices=[("", _("全部状态")), *Certificate.EffectiveStatus.choices],
    )
    type = forms.ChoiceField(label=_("认证类型"), required=False)
    expiring = forms.BooleanField(label=_("只看 30 天内到期的有效证书"), required=False)

    def __init__(self, *args: Any, cert_types: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["type"]).choices = [
            ("", str(_("全部类型"))),
            *((code, f"{type_name(code)}（{code}）") for code in cert_types),
        ]


class CertificateUploadForm(DataFileUploadForm):
    file = data_file_field(_("证书数据文件"))


class BodyChoiceForm(forms.Form):
    """Which body's desk to open (GET ``?cb=<USCC>``), for those who may open several."""

    cb = forms.ChoiceField(label=_("认证机构"))

    def __init__(self, *args: Any, bodies: Sequence[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["cb"]).choices = [
            ("", str(_("请选择认证机构"))),
            *((body.uscc, f"{body.name}（{body.uscc}）") for body in bodies),
        ]


class CertificateStatusForm(forms.Form):
    """A new recorded status and why. Any known status passes here, so that a change the history
    forbids reaches the service and is refused there with its own words; the list offers only
    ``offered`` (what ``transitions.py`` allows from the current status)."""

    status = forms.ChoiceField(label=_("新状态"), choices=Certificate.Status.choices)
    reason = forms.CharField(
        label=_("原因"),
        required=False,
        max_length=1000,
        help_text=_("暂停、撤销或注销证书时必须填写，会公开显示在证书页上。"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, offered: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Certificate.Status.choices)
        self.offered = list(offered)
        widget = cast(forms.Select, self.fields["status"].widget)
        widget.choices = [("", str(_("请选择"))), *((s, labels[s]) for s in self.offered)]
