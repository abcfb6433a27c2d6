from django.apps import AppConfig


class InstitutionsConfig(AppConfig):
    name = "qihub.institutions"
    label = "institutions"
    verbose_name = "Institutions"

    def ready(self) -> None:
        # Imported here because importers and receivers need the app registry to be ready.
        from qihub.core.imports import register_importer
        from qihub.institutions import impact
        from qihub.institutions.importers import CapabilityImporter, QualificationImporter
        from qihub.standards.signals import standards_left_force

        register_importer(QualificationImporter)
        register_importer(CapabilityImporter)
        standards_left_force.connect(
            impact.on_standards_left_force, dispatch_uid="qihub_institutions_standards_left_force"
        )
