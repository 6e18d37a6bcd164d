from typing import Any

from django.apps import AppConfig


class InteractionsConfig(AppConfig):
    name = "annotator.interactions"
    label = "interactions"

    def ready(self) -> None:
        from annotator.images.signals import image_uploaded
        from annotator.interactions.tasks import prepare_image
        from annotator.projects.engines import engine_in_use

        def on_image_uploaded(sender: Any, *, image: Any, project: Any, **_: Any) -> None:
            """An engine whose embedding is worth computing once computes it before the first session."""
            if engine_in_use(project.engine).spec.capabilities.shares_embeddings:
                prepare_image.delay(image.id)

        image_uploaded.connect(on_image_uploaded, dispatch_uid="interactions.prepare_image", weak=False)
