from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "annotator.analytics"
    label = "analytics"

    def ready(self) -> None:
        from annotator.analytics import listeners

        listeners.connect()
