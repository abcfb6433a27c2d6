from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "qihub.reference"
    label = "reference"
    verbose_name = "Reference data"
