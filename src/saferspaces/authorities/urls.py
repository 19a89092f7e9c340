from django.urls import path

from saferspaces.authorities import views

app_name = "authorities"
urlpatterns = [
    path("authorities/", views.authority_list, name="list"),
    path("authorities/new/", views.authority_create, name="create"),
    path("authorities/<slug:slug>/", views.authority_detail, name="detail"),
    path("authorities/<slug:slug>/invite/", views.authority_invite, name="invite"),
    path("networks/", views.network_list, name="network_list"),
    path("networks/<slug:slug>/", views.network_detail, name="network_detail"),
]
