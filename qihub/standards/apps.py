from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "qihub.standards"
    label = "standards"
    verbose_name = "Standards"

    def ready(self) -> None:
        # Imported here because importers need the app registry to be ready.
        from qihub.core.imports import register_importer
        from qihub.standards.importers import StandardImporter

        register_importer(StandardImporter)
