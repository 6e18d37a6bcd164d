from django.urls import path

from annotator.analytics import apis

BASE = "projects/<int:project_id>/analytics/"

urlpatterns = [
    path(f"{BASE}objects/", apis.ObjectRowsApi.as_view(), name="api-analytics-objects"),
    path(f"{BASE}summary/", apis.SummaryApi.as_view(), name="api-analytics-summary"),
    path(f"{BASE}noc/", apis.NocDistributionApi.as_view(), name="api-analytics-noc"),
    path(f"{BASE}learning/", apis.LearningApi.as_view(), name="api-analytics-learning"),
    path(f"{BASE}health/", apis.HealthApi.as_view(), name="api-analytics-health"),
]
