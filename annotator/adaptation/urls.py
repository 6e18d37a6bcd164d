from django.urls import path

from annotator.adaptation import apis

PREFIX = "projects/<int:project_id>/classes/<int:class_id>/decoder/"

urlpatterns = [
    path(
        "projects/<int:project_id>/adaptation/",
        apis.ProjectAdaptationApi.as_view(),
        name="api-project-adaptation",
    ),
    path(PREFIX, apis.DecoderApi.as_view(), name="api-class-decoder"),
    path(f"{PREFIX}rollback/", apis.DecoderRollbackApi.as_view(), name="api-class-decoder-rollback"),
    path(f"{PREFIX}reset/", apis.DecoderResetApi.as_view(), name="api-class-decoder-reset"),
    path(f"{PREFIX}replay/", apis.ReplayCheckListApi.as_view(), name="api-class-decoder-replay"),
    path(
        f"{PREFIX}replay/<int:check_id>/",
        apis.ReplayCheckApi.as_view(),
        name="api-class-decoder-replay-check",
    ),
]
