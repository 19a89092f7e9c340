from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from saferspaces.web import views as web_views

urlpatterns = [
    path("", include("saferspaces.web.urls")),
    path("", include("saferspaces.authorities.urls")),
    path("", include("saferspaces.accounts.urls")),
    path("frameworks/", include("saferspaces.frameworks.urls")),
    path("", include("saferspaces.assessments.urls")),
    path("open-data/", include("saferspaces.opendata.urls")),
    path("", include("saferspaces.results.urls")),
    path("", include("saferspaces.dashboard.urls")),
    path("", include("saferspaces.reports.urls")),
    path("", include("saferspaces.exports.urls")),
    path("", include("saferspaces.notifications.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("i18n/setlang/", set_language, name="set_language"),
]

handler400 = web_views.error_400
handler403 = web_views.error_403
handler404 = web_views.error_404
handler500 = web_views.error_500
