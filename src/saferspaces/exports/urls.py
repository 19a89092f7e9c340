from django.urls import path

from saferspaces.exports import views

app_name = "exports"

urlpatterns = [
    path("rounds/<int:pk>/exports/", views.exports_page, name="page"),
    path("rounds/<int:pk>/exports/<str:filename>", views.export_download, name="download"),
    path(
        "rounds/<int:pk>/exports/<str:filename>/prepare/",
        views.export_prepare,
        name="prepare",
    ),
    path("exports/jobs/<int:pk>/", views.job_view, name="job"),
    path("exports/jobs/<int:pk>/status/", views.job_status_view, name="job_status"),
    path("exports/jobs/<int:pk>/download/", views.job_download_view, name="job_download"),
]
