from django.apps import AppConfig


class CertificationConfig(AppConfig):
    name = "qihub.certification"
    label = "certification"
    verbose_name = "Certification"

    def ready(self) -> None:
        # Imported here because the importer needs the app registry to be ready.
        from qihub.certification.importers import CertificateImporter
        from qihub.core.imports import register_importer

        register_importer(CertificateImporter)
