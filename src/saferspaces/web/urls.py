from django.urls import path

from saferspaces.web import views, views_translate

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("guide/", views.guide, name="guide"),
    path("guide/<slug:role>/", views.guide_role, name="guide_role"),
    path("translate/", views_translate.translate, name="translate"),
    path(
        "translate/<slug:code>/<str:name>",
        views_translate.translate_file,
        name="translate_file",
    ),
]
