"""Writes to projects, classes and memberships."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from annotator.common.errors import Conflict, InvalidInput
from annotator.projects.engines import ENGINE_CHOICES, GRABCUT
from annotator.projects.models import LabelClass, Membership, Project, Role
from inference.pipelines import available_pipelines

DEFAULT_COLOURS = ["#1e90ff", "#ff6b35", "#2ec4b6", "#e71d36", "#9b5de5", "#f9c80e", "#43aa8b"]


@transaction.atomic
def project_create(
    *, creator: User, name: str, description: str = "", engine: str = GRABCUT, pipeline: str = "plain"
) -> Project:
    """Create a project; its creator becomes its admin."""
    name = name.strip()
    if not name:
        raise InvalidInput("A project needs a name.")
    _check_engine(engine)
    _check_pipeline(pipeline)
    project = Project.objects.create(
        name=name, description=description, created_by=creator, engine=engine, pipeline=pipeline
    )
    Membership.objects.create(project=project, user=creator, role=Role.ADMIN)
    return project


def _check_engine(engine: str) -> None:
    if engine not in ENGINE_CHOICES:
        raise InvalidInput(f"Unknown engine {engine!r}; choose one of {', '.join(ENGINE_CHOICES)}.")


def _check_pipeline(pipeline: str) -> None:
    if pipeline not in available_pipelines():
        raise InvalidInput(
            f"Unknown pipeline {pipeline!r}; choose one of {', '.join(available_pipelines())}."
        )


def project_configure(*, project: Project, engine: str | None = None, pipeline: str | None = None) -> Project:
    """Switch the engine or pipeline new sessions of the project use (open sessions keep theirs)."""
    fields = []
    if engine is not None:
        _check_engine(engine)
        project.engine = engine
        fields.append("engine")
    if pipeline is not None:
        _check_pipeline(pipeline)
        project.pipeline = pipeline
        fields.append("pipeline")
    if fields:
        project.save(update_fields=fields)
    return project


def label_class_create(*, project: Project, name: str, colour: str | None = None) -> LabelClass:
    name = name.strip()
    if not name:
        raise InvalidInput("A label class needs a name.")
    if colour is None:
        colour = DEFAULT_COLOURS[project.label_classes.count() % len(DEFAULT_COLOURS)]
    try:
        with transaction.atomic():
            return LabelClass.objects.create(project=project, name=name, colour=colour)
    except IntegrityError:
        raise Conflict(f"The class {name!r} already exists in this project.") from None


@transaction.atomic
def membership_set(*, project: Project, user: User, role: str) -> Membership:
    """Give a user a role in a project (creating or changing the membership)."""
    if role not in Role.values:
        raise InvalidInput(f"Unknown role {role!r}.")
    membership, _ = Membership.objects.update_or_create(project=project, user=user, defaults={"role": role})
    return membership
