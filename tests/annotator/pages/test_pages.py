"""The pages show each role what it may do, and nothing of what it may not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from annotator.images.assignments import images_assign
from annotator.projects.engines import checkpoint_path
from annotator.projects.models import Assignment
from tests.conftest import ProjectSetup
from tests.factories import LabelClassFactory, upload_scene

pytestmark = pytest.mark.django_db


def browser(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_each_role_sees_the_tabs_it_may_use(project_setup: ProjectSetup) -> None:
    url = f"/projects/{project_setup.project.id}/"
    admin = browser(project_setup.admin).get(url).content.decode()
    annotator = browser(project_setup.annotator).get(url).content.decode()
    for tab in ("/members/", "/settings/", "/adaptation/", 'id="image-table"', 'id="bulk-form"'):
        assert tab in admin
    for tab in ("/members/", "/settings/", "/adaptation/", 'id="bulk-form"', 'id="progress-title"'):
        assert tab not in annotator
    assert browser(project_setup.annotator).get(f"{url}members/").status_code == 404
    assert browser(project_setup.annotator).get(f"{url}settings/").status_code == 404


def test_only_those_who_may_create_projects_see_the_form(project_setup: ProjectSetup) -> None:
    assert 'id="project-form"' not in browser(project_setup.admin).get("/projects/").content.decode()
    project_setup.admin.is_staff = True
    project_setup.admin.save()
    assert 'id="project-form"' in browser(project_setup.admin).get("/projects/").content.decode()


def test_an_annotator_opens_only_their_images_and_outlines_only_their_classes(
    project_setup: ProjectSetup,
) -> None:
    project = project_setup.project
    project.assignment = Assignment.ASSIGNED
    project.save()
    mine, _ = upload_scene(project, project_setup.admin, seed=1)
    other, _ = upload_scene(project, project_setup.admin, seed=2)
    tree = LabelClassFactory(project=project, name="tree")
    images_assign(
        project=project, user=project_setup.annotator, assigned_by=project_setup.admin,
        image_ids=[mine.id], class_ids=[tree.id],
    )  # fmt: skip
    annotator = browser(project_setup.annotator)
    page = annotator.get(f"/projects/{project.id}/images/{mine.id}/annotate/")
    assert page.status_code == 200 and f'data-classes="{tree.id}"' in page.content.decode()
    refused = annotator.get(f"/projects/{project.id}/images/{other.id}/annotate/")
    assert refused.status_code == 404 and b"only where the image is assigned" in refused.content
    admin = browser(project_setup.admin).get(f"/projects/{project.id}/images/{other.id}/annotate/")
    assert 'data-classes=""' in admin.content.decode()


def test_the_settings_page_says_which_engines_this_server_can_run(
    project_setup: ProjectSetup, settings: Any, tmp_path: Path
) -> None:
    settings.MASKLOOP_WEIGHTS_DIR = str(tmp_path)
    checkpoint_path("vit_b").write_bytes(b"checkpoint")
    page = (
        browser(project_setup.admin).get(f"/projects/{project_setup.project.id}/settings/").content.decode()
    )
    assert "SAM vit_b: installed" in page
    assert "SAM vit_h: not installed, GrabCut until then (python manage.py fetch_weights vit_h)" in page
    assert "What the pipeline stages do" in page
