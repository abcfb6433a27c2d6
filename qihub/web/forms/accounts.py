"""Sign-in form: one message for every refused login, whatever the reason."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    # One message for an unknown user, a wrong password and an inactive account, so the page
    # never tells which usernames exist (ModelBackend refuses inactive users before this form).
    error_messages = {
        "invalid_login": _("用户名或密码不正确。请检查后重试；连续多次失败将暂时锁定账户。"),
        "inactive": _("用户名或密码不正确。请检查后重试；连续多次失败将暂时锁定账户。"),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("用户名")
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        )
        password = self.fields["password"]
        password.label = _("密码")
        password.widget = forms.PasswordInput(attrs={"autocomplete": "current-password"})
