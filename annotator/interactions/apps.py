from django.apps import AppConfig


class InteractionsConfig(AppConfig):
    name = "annotator.interactions"
    label = "interactions"
