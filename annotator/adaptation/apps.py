from django.apps import AppConfig


class AdaptationConfig(AppConfig):
    name = "annotator.adaptation"
    label = "adaptation"

    def ready(self) -> None:
        from annotator.adaptation.learner import ClassDecoderLearner
        from annotator.serving import learning

        learning.register(ClassDecoderLearner())
