from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "annotator.pages"
    label = "pages"
