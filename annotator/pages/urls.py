from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.generic import RedirectView

from annotator.pages import account_views, views

PROJECT = "projects/<int:project_id>/"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="projects", permanent=False)),
    path("login/", auth_views.LoginView.as_view(template_name="login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("invite/<str:token>/", account_views.invitation, name="invitation"),
    path("account/", account_views.account, name="account"),
    path(
        "account/password/",
        auth_views.PasswordChangeView.as_view(
            template_name="password_change.html", success_url="/account/?password=changed"
        ),
        name="password_change",
    ),
    path("users/", account_views.users, name="users"),
    path("projects/", views.projects, name="projects"),
    path(PROJECT, views.project_detail, name="project"),
    path(f"{PROJECT}members/", views.members, name="members"),
    path(f"{PROJECT}settings/", views.project_settings, name="project_settings"),
    path(f"{PROJECT}data/", views.data, name="data"),
    path(f"{PROJECT}adaptation/", views.adaptation, name="adaptation"),
    path(f"{PROJECT}analytics/", views.analytics, name="analytics"),
    path(f"{PROJECT}images/<int:image_id>/annotate/", views.annotate, name="annotate"),
]
