from django.urls import path

from saferspaces.accounts import views

app_name = "accounts"
urlpatterns = [
    path("me/", views.profile, name="profile"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
]
