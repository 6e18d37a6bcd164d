"""The replay check: the robot user on a class's latest accepted objects, with the current
decoder and a candidate version side by side."""

from __future__ import annotations

from pathlib import Path

import pytest
from rest_framework.test import APIClient

from annotator.adaptation import runtime
from annotator.adaptation import services as adaptation_services
from annotator.adaptation.models import DecoderVersion
from annotator.adaptation.replay import AcceptedObject, replay_check_run
from annotator.annotations.models import Annotation
from annotator.images.selectors import image_rgb
from annotator.serving import decoders
from inference.engines.sam.engine import SamEngine
from inference.evaluation import metrics
from inference.evaluation.datasets.sample import LoadedSample
from inference.evaluation.protocols import ProtocolOptions, run_sample
from inference.masks import rle
from tests.annotator.interactions.conftest import sam_project
from tests.annotator.interactions.driver import Driver
from tests.conftest import ProjectSetup

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("eager_tasks")]


def accepted_objects(setup: ProjectSetup, seeds: tuple[int, ...]) -> list[Annotation]:
    for seed in seeds:
        driver = Driver(setup, width=200, height=150, seed=seed)
        driver.robot_click(driver.scene.masks[0])
        driver.robot_click(driver.scene.masks[0])
        driver.send("accept")
        runtime.adapt_after_accept(driver.session.id)
    return list(Annotation.objects.filter(label_class=setup.label_class).order_by("-id"))


def robot_noc90(engine: SamEngine, annotation: Annotation, cap: int) -> int:
    image = annotation.image
    sample = AcceptedObject(
        name="x",
        label="shape",
        image_path=Path("x"),
        loaded=LoadedSample(image=image_rgb(image=image), mask=rle.decode(annotation.mask), ignore=None),
    )
    result = run_sample(engine, sample, ProtocolOptions(max_clicks=cap))
    return metrics.interactions_to_reach(result.history, 0.90, cap)


def test_the_check_replays_the_latest_objects_with_both_decoders(
    project_setup: ProjectSetup, sam_worker: SamEngine
) -> None:
    sam_project(project_setup)
    adaptation_services.project_adaptation_update(
        project=project_setup.project, user=None, changes={"lr": 0.05, "click": "off"}
    )
    decoders.class_decoders.clear()
    annotations = accepted_objects(project_setup, (3, 4, 5))
    client = APIClient()
    client.force_authenticate(project_setup.admin)
    url = f"/api/projects/{project_setup.project.id}/classes/{project_setup.label_class.id}/decoder/"
    assert client.get(url).json()["version"] == 3
    asked = client.post(f"{url}replay/", {"version": 0, "objects": 2}, format="json")
    assert asked.status_code == 202
    check = client.get(f"{url}replay/{asked.json()['id']}/").json()  # in-process: already run
    assert check["status"] == "done", check["error"]
    result = check["result"]
    assert result["objects"] == 2 and (result["current"]["version"], result["candidate"]["version"]) == (3, 0)
    assert [o["annotation_id"] for o in result["per_object"]] == [a.id for a in annotations[:2]]
    cap = check["max_clicks"]
    current = runtime.class_engine(sam_worker, project_setup.label_class.id)
    for record, annotation in zip(result["per_object"], annotations, strict=False):
        assert record["noc90_v0"] == robot_noc90(sam_worker, annotation, cap)  # the base decoder
        assert record["noc90_v3"] == robot_noc90(current, annotation, cap)
    mean = sum(r["noc90_v3"] for r in result["per_object"]) / 2
    assert result["current"]["noc90"] == pytest.approx(mean)
    assert client.get(url).json()["replay_checks"][0]["id"] == check["id"]  # listed with the history


def test_a_check_against_a_version_dropped_meanwhile_fails_with_the_reason(
    project_setup: ProjectSetup, sam_worker: SamEngine
) -> None:
    sam_project(project_setup)
    accepted_objects(project_setup, (3,))
    check = adaptation_services.replay_check_request(
        label_class=project_setup.label_class, version=1, objects=5, user=None
    )
    DecoderVersion.objects.filter(label_class=project_setup.label_class, version=1).update(state=None)
    # The head moved on meanwhile, so version 1 must come from its (now dropped) retained row.
    adaptation_services.decoder_reset(label_class=project_setup.label_class, user=None)
    replay_check_run(check.id)
    check.refresh_from_db()
    assert check.status == "failed" and "no longer retained" in check.error
    assert check.result is None and check.finished_at is not None
