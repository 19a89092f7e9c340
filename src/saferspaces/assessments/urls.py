from django.urls import path

from saferspaces.assessments import views, views_files, views_fill, views_repeats, views_rounds
from saferspaces.frameworks import converters as _converters  # noqa: F401  <edition:...>

app_name = "assessments"

urlpatterns = [
    path("assessments/", views.assessment_list, name="list"),
    path(
        "authorities/<slug:slug>/assessments/new/",
        views.assessment_start_view,
        name="start",
    ),
    path("networks/<slug:slug>/rounds/new/", views.round_open_view, name="round_open"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/edit/", views_rounds.round_edit_view, name="round_edit"),
    path("rounds/<int:pk>/close/", views_rounds.round_close_view, name="round_close"),
    path("assessments/<int:pk>/", views.assessment_detail, name="detail"),
    path("assessments/<int:pk>/transition/", views.transition_view, name="transition"),
    path("assessments/<int:pk>/assign/", views.assign_view, name="assign"),
    path("assessments/<int:pk>/s/<slug:section>/", views_fill.section_page, name="section"),
    path(
        "assessments/<int:pk>/r/<slug:group>/<int:position>/",
        views_repeats.repeat_instance_page,
        name="repeat_instance",
    ),
    path(
        "assessments/<int:pk>/r/<slug:group>/<int:position>/remove/",
        views_repeats.repeat_instance_remove_view,
        name="repeat_remove",
    ),
    path("assessments/<int:pk>/q/<slug:code>/", views_fill.question_page, name="question"),
    path("assessments/<int:pk>/q/<slug:code>/save/", views_fill.answer_save_view, name="save"),
    path(
        "assessments/<int:pk>/q/<slug:code>/history/",
        views_fill.answer_history_page,
        name="history",
    ),
    path(
        "assessments/<int:pk>/q/<slug:code>/evidence/",
        views_fill.evidence_add_view,
        name="evidence_add",
    ),
    path("assessments/<int:pk>/q/<slug:code>/flag/", views_fill.flag_view, name="flag"),
    path("assessments/<int:pk>/q/<slug:code>/prefill/", views_fill.prefill_view, name="prefill"),
    path(
        "assessments/<int:pk>/evidence/<int:eid>/", views_fill.evidence_file, name="evidence_file"
    ),
    path(
        "assessments/<int:pk>/evidence/<int:eid>/remove/",
        views_fill.evidence_remove_view,
        name="evidence_remove",
    ),
    path("assessments/<int:pk>/answers.<str:fmt>", views_files.export_view, name="export"),
    path("assessments/<int:pk>/import/", views_files.import_view, name="import"),
    path(
        "assessments/<int:pk>/import/<int:iid>/",
        views_files.import_preview_view,
        name="import_preview",
    ),
    path("frameworks/<edition:edition_id>/feedback/", views.feedback_page, name="feedback"),
]
