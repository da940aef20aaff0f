from django.contrib.auth import views as django_auth_views
from django.urls import include, path

from . import auth_views, documents_views, registry, views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("jobs/<int:pk>/", views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/download/", views.job_download, name="job_download"),
    # Password change needs a login; everything under password/reset/ is public (middleware).
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        django_auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        django_auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("staff/", include("core.staff_urls")),
    path("documents/", documents_views.document_templates, name="documents"),
    path(
        "documents/<str:code>/template.docx",
        documents_views.document_template_download,
        name="document_template_download",
    ),
    path(
        "documents/<str:code>/upload/",
        documents_views.document_template_upload,
        name="document_template_upload",
    ),
    path(
        "documents/<str:code>/reset/",
        documents_views.document_template_reset,
        name="document_template_reset",
    ),
    path("r/<slug:name>/", registry.view, name="registry"),
]
