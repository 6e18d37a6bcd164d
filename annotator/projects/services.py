"""Writes to projects and their classes (members and invitations: ``member_services``)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from annotator.common.errors import Conflict, InvalidInput
from annotator.projects.engines import ENGINE_CHOICES, GRABCUT
from annotator.projects.models import Assignment, LabelClass, Membership, Project, Role
from inference.pipelines import available_pipelines

DEFAULT_COLOURS = ["#1e90ff", "#ff6b35", "#2ec4b6", "#e71d36", "#9b5de5", "#f9c80e", "#43aa8b"]


@transaction.atomic
def project_create(
    *, creator: User, name: str, description: str = "", engine: str = GRABCUT, pipeline: str = "plain"
) -> Project:
    """Create a project; its creator becomes its admin."""
    name = _checked_name(name)
    _check_engine(engine)
    _check_pipeline(pipeline)
    project = Project.objects.create(
        name=name, description=description, created_by=creator, engine=engine, pipeline=pipeline
    )
    Membership.objects.create(project=project, user=creator, role=Role.ADMIN)
    return project


def _checked_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise InvalidInput("A project needs a name.", code="invalid_name")
    return name


def _check_engine(engine: str) -> None:
    if engine not in ENGINE_CHOICES:
        raise InvalidInput(f"Unknown engine {engine!r}; choose one of {', '.join(ENGINE_CHOICES)}.")


def _check_pipeline(pipeline: str) -> None:
    if pipeline not in available_pipelines():
        raise InvalidInput(
            f"Unknown pipeline {pipeline!r}; choose one of {', '.join(available_pipelines())}."
        )


def project_configure(
    *,
    project: Project,
    name: str | None = None,
    description: str | None = None,
    engine: str | None = None,
    pipeline: str | None = None,
    assignment: str | None = None,
    annotators_correct_others: bool | None = None,
    noc_limit: int | None = None,
) -> Project:
    """Change the project's name, description, engine, pipeline, how it hands out images, or
    whether annotators may correct each other's objects, or the model interactions above which
    analytics count an object as a failure (open sessions keep their engine and
    pipeline; switching to open or back keeps every assignment)."""
    fields = []
    if name is not None:
        project.name = _checked_name(name)
        fields.append("name")
    if description is not None:
        project.description = description
        fields.append("description")
    if engine is not None:
        _check_engine(engine)
        project.engine = engine
        fields.append("engine")
    if pipeline is not None:
        _check_pipeline(pipeline)
        project.pipeline = pipeline
        fields.append("pipeline")
    if assignment is not None:
        if assignment not in Assignment.values:
            raise InvalidInput(f"Unknown assignment mode {assignment!r}.", code="invalid_assignment")
        project.assignment = assignment
        fields.append("assignment")
    if annotators_correct_others is not None:
        project.annotators_correct_others = annotators_correct_others
        fields.append("annotators_correct_others")
    if noc_limit is not None:
        if not 1 <= noc_limit <= 1000:
            raise InvalidInput("The click limit is between 1 and 1000.", code="invalid_noc_limit")
        project.noc_limit = noc_limit
        fields.append("noc_limit")
    if fields:
        project.save(update_fields=fields)
    return project


def project_archive(*, project: Project, archived: bool) -> Project:
    """Archive the project (read-only, listed apart) or bring it back."""
    if archived == (project.archived_at is not None):
        state = "archived" if archived else "not archived"
        raise Conflict(
            f"The project is already {state}.", code="already_archived" if archived else "not_archived"
        )
    project.archived_at = timezone.now() if archived else None
    project.save(update_fields=["archived_at"])
    return project


def label_class_create(*, project: Project, name: str, colour: str | None = None) -> LabelClass:
    name = name.strip()
    if not name:
        raise InvalidInput("A label class needs a name.", code="invalid_name")
    if colour is None:
        colour = DEFAULT_COLOURS[
            LabelClass.all_objects.filter(project=project).count() % len(DEFAULT_COLOURS)
        ]
    last = LabelClass.all_objects.filter(project=project).aggregate(last=Max("position"))["last"]
    try:
        with transaction.atomic():
            return LabelClass.objects.create(
                project=project, name=name, colour=colour, position=0 if last is None else last + 1
            )
    except IntegrityError:
        raise Conflict(
            f"The class {name!r} already exists in this project.", code="duplicate_class"
        ) from None


def label_class_update(
    *, label_class: LabelClass, name: str | None = None, colour: str | None = None
) -> LabelClass:
    """Rename or recolour a class; its saved objects keep it (they point at the class, not its name)."""
    if name is not None:
        name = name.strip()
        if not name:
            raise InvalidInput("A label class needs a name.", code="invalid_name")
        label_class.name = name
    if colour is not None:
        label_class.colour = colour
    try:
        with transaction.atomic():
            label_class.save(update_fields=["name", "colour"])
    except IntegrityError:
        raise Conflict(
            f"The class {label_class.name!r} already exists in this project.", code="duplicate_class"
        ) from None
    return label_class


@transaction.atomic
def label_classes_reorder(*, project: Project, class_ids: list[int]) -> list[LabelClass]:
    """Put the project's classes in the order given: every live class, each once."""
    classes = {c.id: c for c in LabelClass.objects.select_for_update().filter(project=project)}
    if sorted(class_ids) != sorted(classes):
        raise InvalidInput("Give every class of the project once, in the order wanted.", code="invalid_order")
    for position, class_id in enumerate(class_ids):
        classes[class_id].position = position
    LabelClass.objects.bulk_update(list(classes.values()), ["position"])
    return [classes[class_id] for class_id in class_ids]


@transaction.atomic
def label_class_delete(*, label_class: LabelClass, confirm: bool) -> None:
    """Delete a class: it and its objects are hidden, kept, and can be brought back together.
    A class that saved objects use is deleted only when the caller confirms."""
    if label_class.deleted_at is not None:
        raise Conflict("The class is already deleted.", code="already_deleted")
    objects_in_use = label_class.annotations.count()
    if objects_in_use and not confirm:
        raise Conflict(
            f"{objects_in_use} saved object(s) use the class {label_class.name!r}: confirm to delete "
            "it with them (an admin can bring both back).",
            code="class_in_use",
        )
    if not LabelClass.objects.filter(id=label_class.id).update(deleted_at=timezone.now()):
        raise Conflict("The class is already deleted.", code="already_deleted")


@transaction.atomic
def label_class_restore(*, label_class: LabelClass) -> LabelClass:
    """Bring a deleted class back with its objects; refused while a live class has its name."""
    if LabelClass.objects.filter(project_id=label_class.project_id, name=label_class.name).exists():
        raise Conflict(
            f"Another class is named {label_class.name!r} now: rename it first.", code="duplicate_class"
        )
    label_class.deleted_at = None
    label_class.save(update_fields=["deleted_at"])
    return label_class
