from typing import Any

from django.apps import AppConfig


class ImagesConfig(AppConfig):
    name = "annotator.images"
    label = "images"

    def ready(self) -> None:
        from annotator.images.assignments import member_left
        from annotator.projects.signals import member_removed

        def on_member_removed(
            sender: Any, *, project_id: int, user_id: int, removed_by: Any, **_: Any
        ) -> None:
            member_left(project_id=project_id, user_id=user_id, removed_by=removed_by)

        member_removed.connect(on_member_removed, dispatch_uid="images.member_left", weak=False)
