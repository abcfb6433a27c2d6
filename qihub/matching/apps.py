from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "qihub.matching"
    label = "matching"
    verbose_name = "Matching"

    def ready(self) -> None:
        from qihub.matching import checks  # noqa: F401 - registers the system checks
