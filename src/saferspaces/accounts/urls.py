from django.urls import path

from saferspaces.accounts import views

app_name = "accounts"
urlpatterns = [
    path("me/", views.profile, name="profile"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("invitations/<int:pk>/resend/", views.invitation_resend, name="invitation_resend"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path(
        "networks/<slug:slug>/invitations/",
        views.network_invitations_page,
        name="network_invitations",
    ),
]
