from django.urls import path

from saferspaces.authorities import views, views_networks

app_name = "authorities"
urlpatterns = [
    path("authorities/", views.authority_list, name="list"),
    path("authorities/new/", views.authority_create, name="create"),
    path("authorities/<slug:slug>/", views.authority_detail, name="detail"),
    path("authorities/<slug:slug>/invite/", views.authority_invite, name="invite"),
    path("networks/", views.network_list, name="network_list"),
    path("networks/new/", views_networks.network_create, name="network_create"),
    path("networks/<slug:slug>/", views.network_detail, name="network_detail"),
    path("networks/<slug:slug>/edit/", views_networks.network_edit, name="network_edit"),
    path(
        "networks/<slug:slug>/coordinators/",
        views_networks.coordinator_add,
        name="coordinator_add",
    ),
    path(
        "networks/<slug:slug>/coordinators/<int:user_id>/revoke/",
        views_networks.coordinator_revoke,
        name="coordinator_revoke",
    ),
    path(
        "networks/<slug:slug>/authorities/add/",
        views_networks.network_authority_add,
        name="network_authority_add",
    ),
    path(
        "networks/<slug:slug>/authorities/<slug:authority>/remove/",
        views_networks.network_authority_remove,
        name="network_authority_remove",
    ),
    path(
        "networks/<slug:slug>/register/",
        views_networks.network_register,
        name="network_register",
    ),
    path(
        "networks/<slug:slug>/register/template.csv",
        views_networks.network_register_template,
        name="network_register_template",
    ),
    path(
        "networks/<slug:slug>/register/<int:pk>/",
        views_networks.network_register_preview,
        name="network_register_preview",
    ),
]
