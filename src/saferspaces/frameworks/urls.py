from django.urls import path

from saferspaces.frameworks import converters as _converters  # noqa: F401  <edition:...>
from saferspaces.frameworks import views

app_name = "frameworks"

urlpatterns = [
    path("", views.edition_list, name="list"),
    path("upload/", views.edition_upload, name="upload"),
    path("<edition:edition_id>/", views.edition_detail, name="detail"),
    path("<edition:edition_id>/xlsform/", views.edition_xlsform, name="xlsform"),
    path("<edition:edition_id>/source/", views.edition_source, name="source"),
]
