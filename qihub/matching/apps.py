from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "qihub.matching"
    label = "matching"
    verbose_name = "Matching"
