"""The data-file upload every self-service page shares: a CSV or XLSX file checked for its type
and size, and "check only" (a dry run). Pages add their own choices to it."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any, cast

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
UPLOAD_SUFFIXES = (".csv", ".xlsx")


def data_file_field(label: Any) -> forms.FileField:
    return forms.FileField(
        label=label,
        help_text=_("CSV（UTF-8）或 XLSX，首行为列名，最大 20 MB。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


class DataFileUploadForm(forms.Form):
    file = data_file_field(_("数据文件"))
    check_only = forms.BooleanField(label=_("只检查，不写入"), required=False)

    def clean_file(self) -> UploadedFile:
        upload = cast(UploadedFile, self.cleaned_data["file"])
        suffix = PurePath(upload.name or "").suffix.lower()
        if suffix not in UPLOAD_SUFFIXES:
            raise forms.ValidationError(_("只接受 .csv 或 .xlsx 文件"))
        if (upload.size or 0) > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("文件超过 20 MB，请拆分后分批上传"))
        return upload
