from django.urls import path

from saferspaces.reports import views

app_name = "reports"

urlpatterns = [
    path("rounds/<int:pk>/analysis/", views.round_analysis_view, name="round_analysis"),
    path("rounds/<int:pk>/analysis/pdf/", views.round_analysis_pdf_view, name="round_analysis_pdf"),
    path("assessments/<int:pk>/report/", views.authority_report_view, name="authority_report"),
    path(
        "assessments/<int:pk>/report/pdf/",
        views.authority_report_pdf_view,
        name="authority_report_pdf",
    ),
    path(
        "assessments/<int:pk>/results/pdf/",
        views.assessment_results_pdf_view,
        name="assessment_results_pdf",
    ),
    path("reports/jobs/<int:pk>/", views.job_view, name="job"),
    path("reports/jobs/<int:pk>/status/", views.job_status_view, name="job_status"),
    path("reports/jobs/<int:pk>/download/", views.job_download_view, name="job_download"),
]
