from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "qihub.core"
    label = "core"
    verbose_name = "Core"
