from django.urls import path

from . import views

app_name = "subscribers"
urlpatterns = [
    path("imports/", views.import_list, name="import_list"),
    path("sources/", views.sources, name="sources"),
    path("sources/new/", views.source_edit, name="source_new"),
    path("sources/<int:pk>/", views.source_edit, name="source_edit"),
    path("sources/<int:pk>/run/", views.source_run, name="source_run"),
    path("sources/<int:pk>/delete/", views.source_delete, name="source_delete"),
    path("<int:pk>/", views.card, name="card"),
    path("buildings/<int:pk>/", views.building, name="building"),
    path("coverage/", views.coverage_check, name="coverage"),
]
