from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "qihub.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # Imported here because they need the app registry to be ready.
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import (
            user_logged_in,
            user_logged_out,
            user_login_failed,
        )

        from qihub.accounts import receivers
        from qihub.accounts.importers import OrganisationImporter
        from qihub.core.imports import register_importer

        register_importer(OrganisationImporter)
        user_logged_in.connect(receivers.on_logged_in, dispatch_uid="qihub_audit_login")
        user_logged_out.connect(receivers.on_logged_out, dispatch_uid="qihub_audit_logout")
        user_login_failed.connect(receivers.on_login_failed, dispatch_uid="qihub_audit_failed")
        user_locked_out.connect(receivers.on_locked_out, dispatch_uid="qihub_audit_locked")
