from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "qihub.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from qihub.accounts.importers import OrganisationImporter  # noqa: PLC0415 - needs models
        from qihub.core.imports import register_importer  # noqa: PLC0415

        register_importer(OrganisationImporter)
