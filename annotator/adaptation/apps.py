from django.apps import AppConfig


class AdaptationConfig(AppConfig):
    name = "annotator.adaptation"
    label = "adaptation"
