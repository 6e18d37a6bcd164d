"""Is the model learning: per class, the NoC of successive objects in bins with the least-squares
trend over every object, NoC per decoder version, and the class's replay checks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from rest_framework.test import APIClient

from annotator.adaptation.models import CheckStatus, ReplayCheck
from annotator.analytics.models import ObjectRecord
from annotator.analytics.services import records_backfill
from annotator.interactions.models import SessionState
from tests.annotator.analytics.scripted import Step, scripted_session
from tests.conftest import ProjectSetup
from tests.factories import upload_scene

pytestmark = pytest.mark.django_db

START = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


def test_fewer_clicks_object_after_object_is_a_falling_trend(project_setup: ProjectSetup) -> None:
    image, _ = upload_scene(project_setup.project, project_setup.admin, width=64, height=48)
    sessions = []
    for index in range(10):  # the 1st object takes 10 clicks, the 10th takes 1
        clicks = [Step("click", i) for i in range(10 - index)]
        session, _ = scripted_session(
            image=image, label_class=project_setup.label_class, user=project_setup.annotator,
            start=START + timedelta(hours=index), state=SessionState.ACCEPTED,
            steps=[*clicks, Step("accept", 20)],
        )  # fmt: skip
        sessions.append(session)
    records_backfill()
    for index, session in enumerate(sessions):  # as SAM would have: versions 0, 0, 2, 2, 4, 4, ...
        ObjectRecord.objects.filter(session=session).update(decoder_version=2 * (index // 2))
    ReplayCheck.objects.create(
        label_class=project_setup.label_class, current_version=4, candidate_version=8, objects_requested=20,
        max_clicks=20, status=CheckStatus.DONE,
        result={
            "objects": 20, "current": {"noc90": 5.5, "fr_90": 0.2}, "candidate": {"noc90": 4.0, "fr_90": 0.1}
        },
    )  # fmt: skip
    client = APIClient()
    client.force_authenticate(project_setup.admin)
    (curve,) = client.get(f"/api/projects/{project_setup.project.id}/analytics/learning/").data["classes"]
    assert curve["objects"] == 10 and curve["name"] == project_setup.label_class.name
    assert [b["noc_mean"] for b in curve["bins"]] == [10, 9, 8, 7, 6, 5, 4, 3, 2, 1]
    assert [(b["first"], b["last"]) for b in curve["bins"]][:2] == [(1, 1), (2, 2)]
    assert curve["trend"]["slope_per_100"] == pytest.approx(-100)  # one click fewer each object
    assert (curve["trend"]["start"], curve["trend"]["end"]) == (pytest.approx(10), pytest.approx(1))
    assert [(v["version"], v["noc_mean"]) for v in curve["by_version"]] == [
        (0, 9.5), (2, 7.5), (4, 5.5), (6, 3.5), (8, 1.5)
    ]  # fmt: skip
    (check,) = curve["replay_checks"]
    assert (check["current_noc90"], check["candidate_noc90"], check["candidate_fr90"]) == (5.5, 4.0, 0.1)
