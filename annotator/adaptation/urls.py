from django.urls import path

from annotator.adaptation import apis

PREFIX = "projects/<int:project_id>/classes/<int:class_id>/decoder/"

urlpatterns = [
    path(PREFIX, apis.DecoderApi.as_view(), name="api-class-decoder"),
    path(f"{PREFIX}rollback/", apis.DecoderRollbackApi.as_view(), name="api-class-decoder-rollback"),
    path(f"{PREFIX}reset/", apis.DecoderResetApi.as_view(), name="api-class-decoder-reset"),
]
