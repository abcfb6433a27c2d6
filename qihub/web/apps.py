from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "qihub.web"
    label = "web"
    verbose_name = "Web"
