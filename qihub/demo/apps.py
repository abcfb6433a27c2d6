from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "qihub.demo"
    label = "demo"
    verbose_name = "Demo data"
