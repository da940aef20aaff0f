from django.urls import path

from .views import messaging as views

app_name = "comms"

urlpatterns = [
    path("templates/new/", views.template_new, name="template_new"),
    path("templates/preview/", views.template_preview, name="template_preview"),
    path("templates/<int:pk>/", views.template_detail, name="template"),
    path("templates/<int:pk>/edit/", views.template_edit, name="template_edit"),
    path("rules/", views.contact_rules, name="rules"),
    path("rules/<str:purpose>/<str:kind>/", views.contact_rule_edit, name="rule_edit"),
    path("rules/calendar/", views.calendar_day_add, name="calendar_add"),
    path("rules/calendar/<int:pk>/delete/", views.calendar_day_delete, name="calendar_delete"),
    path("subscribers/<int:pk>/opt-out/", views.opt_out, name="opt_out"),
    path("campaigns/new/", views.campaign_new, name="campaign_new"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign"),
    path("campaigns/<int:pk>/progress/", views.campaign_progress, name="campaign_progress"),
    path("campaigns/<int:pk>/<str:action>/", views.campaign_act, name="campaign_act"),
    path("dlr/<str:token>/", views.dlr, name="dlr"),
    path("mo/<str:token>/", views.mo, name="mo"),
]
