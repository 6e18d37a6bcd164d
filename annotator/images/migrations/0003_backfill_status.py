"""Images that already have objects are in progress."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def objects_mean_in_progress(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    images = apps.get_model("images", "ImageAsset")
    annotations = apps.get_model("annotations", "Annotation")
    with_objects = annotations.objects.values("image_id")
    images.objects.filter(status="new", id__in=with_objects).update(status="in_progress")


class Migration(migrations.Migration):
    dependencies = [
        ("images", "0002_assignment_status_soft_delete"),
        ("annotations", "0001_initial"),
    ]

    operations = [migrations.RunPython(objects_mean_in_progress, migrations.RunPython.noop)]
