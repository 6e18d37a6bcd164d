"""Scripted session logs on the database, through the backfill, to the figures the API gives:
every number worked out by hand (an accepted object with an idle gap, an abandoned one, one
over the click limit and rejected in review, a correction)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from rest_framework.test import APIClient

from annotator.analytics.models import ObjectRecord
from annotator.analytics.services import records_backfill
from annotator.interactions.models import SessionState
from annotator.review.models import ObjectReview
from tests.annotator.analytics.scripted import Step, scripted_session
from tests.conftest import ProjectSetup
from tests.factories import UserFactory, upload_scene

pytestmark = pytest.mark.django_db

MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


@pytest.fixture
def logged(project_setup: ProjectSetup) -> dict[str, Any]:
    """Three objects of the annotator, Monday and Tuesday; written by the backfill."""
    image, _ = upload_scene(project_setup.project, project_setup.admin, width=64, height=48)
    common = {"image": image, "label_class": project_setup.label_class, "user": project_setup.annotator}
    a, object_a = scripted_session(**common, start=MONDAY, state=SessionState.ACCEPTED, steps=[
        Step("click", 0, rtt=0.2, engine_ms=150), Step("click", 5, rtt=0.3, engine_ms=200),
        Step("undo", 7), Step("box", 9, rtt=0.5, engine_ms=400),
        Step("click", 200, rtt=1.5, engine_ms=1200), Step("accept", 203),
    ])  # fmt: skip
    b, _ = scripted_session(**common, start=MONDAY + timedelta(hours=1), state=SessionState.CANCELLED, steps=[
        Step("click", 0, rtt=0.1, engine_ms=80), Step("click", 4, rtt=0.1, engine_ms=80), Step("cancel", 6),
    ])  # fmt: skip
    clicks = [Step("click", 2 * i, rtt=0.1, engine_ms=50) for i in range(22)]
    c, object_c = scripted_session(
        **common, start=MONDAY + timedelta(days=1), state=SessionState.ACCEPTED,
        steps=[*clicks, Step("accept", 44)], worker="worker-b",
    )  # fmt: skip
    assert object_a is not None and object_c is not None
    ObjectReview.objects.create(
        annotation=object_c, image=image, revision=1, verdict="rejected", reviewer=project_setup.admin
    )
    ObjectReview.objects.create(
        annotation=object_a, image=image, revision=1, verdict="accepted", reviewer=project_setup.admin
    )
    assert records_backfill() == 3
    return {"setup": project_setup, "sessions": (a, b, c), "objects": (object_a, object_c)}


def get(setup: ProjectSetup, path: str, user: Any = None, **params: Any) -> Any:
    client = APIClient()
    client.force_authenticate(user or setup.admin)
    response = client.get(f"/api/projects/{setup.project.id}/analytics/{path}", params)
    assert response.status_code == 200, response.content[:300]
    return response


def test_each_objects_row_holds_its_figures(logged: dict[str, Any]) -> None:
    a, b, c = (ObjectRecord.objects.get(session=s) for s in logged["sessions"])
    assert (a.outcome, a.clicks, a.boxes, a.undos, a.noc, a.active_seconds) == ("accepted", 3, 1, 1, 4, 12.0)
    assert (a.rtt_p50_ms, a.rtt_max_ms, a.engine_p50_ms, a.review) == (400.0, 1500.0, 300.0, "accepted")
    assert (b.outcome, b.noc, b.active_seconds, b.annotation_id) == ("abandoned", 2, 6.0, None)
    assert (c.noc, c.active_seconds, c.review, c.annotation_id) == (
        22,
        44.0,
        "rejected",
        logged["objects"][1].id,
    )


def test_the_summary_gives_the_figures_worked_out_by_hand(logged: dict[str, Any]) -> None:
    setup = logged["setup"]
    body = get(setup, "summary/", by="day").data
    totals = body["totals"]
    assert (totals["objects"], totals["accepted"], totals["abandoned"]) == (3, 2, 1)
    assert totals["abandoned_share"] == pytest.approx(1 / 3)
    assert (totals["noc_mean"], totals["noc_median"]) == (13.0, 13.0)  # (4 + 22) / 2
    assert (totals["over_limit"], totals["over_limit_share"]) == (1, 0.5)  # 22 > 20
    assert (totals["reviewed"], totals["rejected"], totals["rejected_share"]) == (2, 1, 0.5)
    assert totals["active_hours"] == pytest.approx((12 + 6 + 44) / 3600)
    days = {g["key"]: g for g in body["groups"]}
    assert list(days) == ["2026-12-01", "2026-11-30"]  # newest first
    monday, tuesday = days["2026-11-30"], days["2026-12-01"]
    assert (monday["objects"], monday["abandoned_share"], monday["noc_median"]) == (2, 0.5, 4.0)
    assert (tuesday["objects"], tuesday["over_limit_share"], tuesday["rejected_share"]) == (1, 1.0, 1.0)


def test_a_lower_click_limit_counts_more_failures(logged: dict[str, Any]) -> None:
    setup = logged["setup"]
    setup.project.noc_limit = 3
    setup.project.save()
    totals = get(setup, "summary/", by="class").data["totals"]
    assert (totals["over_limit"], totals["over_limit_share"], totals["noc_limit"]) == (2, 1.0, 3)


def test_filters_narrow_every_figure(logged: dict[str, Any]) -> None:
    setup = logged["setup"]
    monday = get(setup, "summary/", by="annotator", **{"from": "2026-11-30", "to": "2026-11-30"}).data
    assert monday["totals"]["objects"] == 2 and monday["groups"][0]["name"] == setup.annotator.username
    nobody = get(setup, "summary/", by="class", annotator=setup.admin.id).data
    assert nobody["totals"]["objects"] == 0 and nobody["groups"] == []
    distribution = get(setup, "noc/").data
    assert distribution["counts"] == [{"noc": 4, "objects": 1}, {"noc": 22, "objects": 1}]
    assert distribution["abandoned"] == 1


def test_health_counts_each_model_interaction_once_per_day_and_worker(logged: dict[str, Any]) -> None:
    setup = logged["setup"]
    days = {g["key"]: g for g in get(setup, "health/", by="day").data["groups"]}
    # Monday: 4 model interactions of A (one took 1.5 s) and 2 of the abandoned B; Tuesday: 22.
    assert days["2026-11-30"]["interactions"] == 6 and days["2026-12-01"]["interactions"] == 22
    assert days["2026-11-30"]["over_one_second"] == pytest.approx(1 / 6)
    assert days["2026-12-01"]["over_one_second"] == 0
    assert days["2026-12-01"]["rtt_p50_ms"] == pytest.approx(100, rel=0.05)  # within a bucket
    workers = {g["key"]: g["interactions"] for g in get(setup, "health/", by="worker").data["groups"]}
    assert workers == {"worker-a": 6, "worker-b": 22}
    assert records_backfill() == 0  # nothing left to write: nothing counted twice
    assert get(setup, "health/", by="worker").data["groups"][0]["interactions"] == 6


def test_the_rows_come_as_csv(logged: dict[str, Any]) -> None:
    setup = logged["setup"]
    response = get(setup, "objects/", format="csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 3
    assert sorted(r["noc"] for r in rows) == ["2", "22", "4"]
    assert {r["username"] for r in rows} == {setup.annotator.username}
    paged = get(setup, "objects/", page_size=2).data
    assert paged["count"] == 3 and len(paged["results"]) == 2


def test_annotators_see_their_own_figures_only(logged: dict[str, Any]) -> None:
    setup = logged["setup"]
    own = get(setup, "summary/", user=setup.annotator, by="class").data
    assert own["totals"]["objects"] == 3
    other = UserFactory()
    setup.project.memberships.create(user=other, role="annotator")
    assert get(setup, "summary/", user=other, by="class").data["totals"]["objects"] == 0
    client = APIClient()
    client.force_authenticate(other)
    refused = client.get(
        f"/api/projects/{setup.project.id}/analytics/summary/", {"annotator": setup.annotator.id}
    )
    assert refused.status_code == 403 and refused.data["code"] == "forbidden"
