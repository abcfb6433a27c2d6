from django.apps import AppConfig


class ProficiencyConfig(AppConfig):
    name = "qihub.proficiency"
    label = "proficiency"
    verbose_name = "Proficiency testing"
