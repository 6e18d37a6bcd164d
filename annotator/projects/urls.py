from django.urls import path

from annotator.projects import apis, lockout_apis, member_apis

PROJECT = "projects/<int:project_id>/"

urlpatterns = [
    path("projects/", apis.ProjectListApi.as_view(), name="api-projects"),
    path(PROJECT, apis.ProjectDetailApi.as_view(), name="api-project"),
    path(f"{PROJECT}archive/", apis.ProjectArchiveApi.as_view(), name="api-project-archive"),
    path(f"{PROJECT}classes/", apis.LabelClassListApi.as_view(), name="api-classes"),
    path(f"{PROJECT}classes/order/", apis.LabelClassOrderApi.as_view(), name="api-classes-order"),
    path(f"{PROJECT}classes/<int:class_id>/", apis.LabelClassDetailApi.as_view(), name="api-class"),
    path(
        f"{PROJECT}classes/<int:class_id>/restore/",
        apis.LabelClassRestoreApi.as_view(),
        name="api-class-restore",
    ),
    path(f"{PROJECT}members/", member_apis.MemberListApi.as_view(), name="api-members"),
    path(f"{PROJECT}members/<int:user_id>/", member_apis.MemberDetailApi.as_view(), name="api-member"),
    path(f"{PROJECT}invitations/", member_apis.InvitationListApi.as_view(), name="api-invitations"),
    path(
        f"{PROJECT}invitations/<int:invitation_id>/",
        member_apis.InvitationDetailApi.as_view(),
        name="api-invitation",
    ),
    path("users/", member_apis.UserListApi.as_view(), name="api-users"),
    path("lockouts/", lockout_apis.LockoutListApi.as_view(), name="api-lockouts"),
    path("lockouts/<int:lockout_id>/", lockout_apis.LockoutDetailApi.as_view(), name="api-lockout"),
    path("me/", member_apis.MeApi.as_view(), name="api-me"),
    path("me/token/", member_apis.MyTokenApi.as_view(), name="api-my-token"),
    path("auth/token/", member_apis.TokenLoginApi.as_view(), name="api-token-login"),
]
