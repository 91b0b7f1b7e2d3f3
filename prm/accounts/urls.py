from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("team/", views.team, name="team"),
    path(
        "team/invitations/<int:pk>/revoke/",
        views.team_invitation_revoke,
        name="team_invitation_revoke",
    ),
    path(
        "team/invitations/<int:pk>/resend/",
        views.team_invitation_resend,
        name="team_invitation_resend",
    ),
    path("team/members/<int:pk>/role/", views.team_member_role, name="team_member_role"),
    path(
        "team/members/<int:pk>/deactivate/",
        views.team_member_deactivate,
        name="team_member_deactivate",
    ),
]
