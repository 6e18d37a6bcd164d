from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.generic import RedirectView

from annotator.pages import views

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="projects", permanent=False)),
    path("login/", auth_views.LoginView.as_view(template_name="login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("projects/", views.projects, name="projects"),
    path("projects/<int:project_id>/", views.project_detail, name="project"),
    path("projects/<int:project_id>/adaptation/", views.adaptation, name="adaptation"),
    path("projects/<int:project_id>/images/<int:image_id>/annotate/", views.annotate, name="annotate"),
]
