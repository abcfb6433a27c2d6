from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "qihub.standards"
    label = "standards"
    verbose_name = "Standards"

    def ready(self) -> None:
        # Imported here because importers need the app registry to be ready.
        from qihub.core.imports import register_importer
        from qihub.standards.importers import StandardImporter
        from qihub.standards.registry_importers import (
            CommitteeImporter,
            ContributionImporter,
            PilotProjectImporter,
        )

        register_importer(StandardImporter)
        register_importer(CommitteeImporter)
        register_importer(PilotProjectImporter)
        register_importer(ContributionImporter)
