from django.urls import path

from .views import calls as call_views
from .views import messaging as views
from .views import objections as objection_views
from .views import outages as outage_views
from .views import scripts as script_views
from .views import surveys
from .views import triggers as trigger_views
from .views import tv_channels as tv_channel_views

app_name = "comms"

urlpatterns = [
    path("templates/new/", views.template_new, name="template_new"),
    path("templates/preview/", views.template_preview, name="template_preview"),
    path("templates/<int:pk>/", views.template_detail, name="template"),
    path("templates/<int:pk>/edit/", views.template_edit, name="template_edit"),
    path("rules/", views.contact_rules, name="rules"),
    path("triggers/", trigger_views.trigger_list, name="triggers"),
    path("triggers/<str:code>/<int:branch>/", trigger_views.trigger_edit, name="trigger_edit"),
    path("rules/<str:purpose>/<str:kind>/", views.contact_rule_edit, name="rule_edit"),
    path("rules/calendar/", views.calendar_day_add, name="calendar_add"),
    path("rules/calendar/<int:pk>/delete/", views.calendar_day_delete, name="calendar_delete"),
    path("subscribers/<int:pk>/opt-out/", views.opt_out, name="opt_out"),
    path("subscribers/<int:pk>/consent/", views.consent, name="consent"),
    path("campaigns/new/", views.campaign_new, name="campaign_new"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign"),
    path("campaigns/<int:pk>/progress/", views.campaign_progress, name="campaign_progress"),
    path("campaigns/<int:pk>/<str:action>/", views.campaign_act, name="campaign_act"),
    path("calls/start/", call_views.call_start, name="call_start"),
    path("calls/<int:pk>/", call_views.call_detail, name="call"),
    path("calls/<int:pk>/step/", call_views.call_step, name="call_step"),
    path("calls/<int:pk>/back/", call_views.call_back, name="call_back"),
    path("calls/<int:pk>/objection/", call_views.call_objection, name="call_objection"),
    path("calls/<int:pk>/finish/", call_views.call_finish, name="call_finish"),
    path("calls/<int:pk>/messages/", call_views.call_messages, name="call_messages"),
    path("call-lists/next/", call_views.call_list_next, name="call_list_next"),
    path("call-lists/<int:pk>/", call_views.call_list_detail, name="call_list"),
    path("call-lists/<int:pk>/assign/", call_views.call_list_assign, name="call_list_assign"),
    path("conversion/<int:pk>/", call_views.script_conversion, name="script_conversion"),
    path(
        "conversion/script/<int:script_pk>/",
        call_views.script_conversion_latest,
        name="script_conversion_latest",
    ),
    path("scripts/new/", script_views.script_new, name="script_new"),
    path("scripts/<int:pk>/", script_views.script_detail, name="script"),
    path(
        "scripts/<int:pk>/versions/<int:number>/",
        script_views.script_detail,
        name="script_version",
    ),
    path("scripts/<int:pk>/edit/", script_views.script_edit, name="script_edit"),
    path("scripts/<int:pk>/preview/", script_views.script_preview, name="script_preview"),
    path("scripts/<int:pk>/draft/", script_views.script_draft, name="script_draft"),
    path("scripts/<int:pk>/draft/start/", script_views.draft_start, name="script_start"),
    path("scripts/<int:pk>/draft/publish/", script_views.script_publish, name="script_publish"),
    path("scripts/<int:pk>/draft/new/<str:kind>/", script_views.step_add, name="script_step_add"),
    path("scripts/<int:pk>/draft/steps/<str:step>/", script_views.step_edit, name="script_step"),
    path(
        "scripts/<int:pk>/draft/steps/<str:step>/delete/",
        script_views.step_delete,
        name="script_step_delete",
    ),
    path(
        "scripts/<int:pk>/draft/steps/<str:step>/move/",
        script_views.step_move,
        name="script_step_move",
    ),
    path("outages/new/", outage_views.outage_new, name="outage_new"),
    path("outages/<int:pk>/", outage_views.outage_detail, name="outage"),
    path("outages/<int:pk>/progress/", outage_views.outage_progress_part, name="outage_progress"),
    path("outages/<int:pk>/<str:action>/", outage_views.outage_act, name="outage_act"),
    path("dlr/<str:token>/", views.dlr, name="dlr"),
    path("mo/<str:token>/", views.mo, name="mo"),
    path("surveys/<int:pk>/", surveys.survey_results, name="survey"),
    path("surveys/<int:pk>/fill/", surveys.survey_fill, name="survey_fill"),
    path("surveys/<int:pk>/invite/", surveys.survey_invite, name="survey_invite"),
    path("surveys/<int:pk>/export/<str:what>.xlsx", surveys.survey_export, name="survey_export"),
    path("surveys/new/", surveys.survey_new, name="survey_new"),
    path("surveys/<int:pk>/edit/", surveys.survey_edit, name="survey_edit"),
    path("surveys/<int:pk>/copy/", surveys.survey_copy, name="survey_copy"),
    path("surveys/<int:pk>/questions/new/", surveys.question_new, name="survey_question_new"),
    path(
        "surveys/<int:pk>/questions/<int:question>/",
        surveys.question_edit,
        name="survey_question",
    ),
    path(
        "surveys/<int:pk>/questions/<int:question>/delete/",
        surveys.question_delete,
        name="survey_question_delete",
    ),
    path(
        "surveys/<int:pk>/questions/<int:question>/move/",
        surveys.question_move,
        name="survey_question_move",
    ),
    path("surveys/<int:pk>/invitations/", surveys.survey_invitations, name="survey_invitations"),
    path(
        "surveys/<int:pk>/invitations/send/",
        surveys.survey_invitations_send,
        name="survey_invitations_send",
    ),
    path(
        "surveys/<int:pk>/invitations/progress/",
        surveys.survey_invitations_progress,
        name="survey_invitations_progress",
    ),
    path("objections/", objection_views.book, name="objections"),
    path("objections/search/", objection_views.search, name="objection_search"),
    path("objections/new/", objection_views.objection_new, name="objection_new"),
    path("objections/<int:pk>/edit/", objection_views.objection_edit, name="objection_edit"),
    path("objections/<int:pk>/active/", objection_views.objection_active, name="objection_active"),
    path(
        "objections/categories/new/",
        objection_views.category_new,
        name="objection_category_new",
    ),
    path(
        "objections/categories/<int:pk>/edit/",
        objection_views.category_edit,
        name="objection_category_edit",
    ),
    path("objections/stats/", objection_views.stats, name="objection_stats"),
    path("tv-channels/", tv_channel_views.tv_channels, name="tv_channels"),
    path("tv-channels/new/", tv_channel_views.tv_channel_new, name="tv_channel_new"),
    path("tv-channels/import/", tv_channel_views.tv_channels_upload, name="tv_channels_import"),
    path("tv-channels/<int:pk>/", tv_channel_views.tv_channel_edit, name="tv_channel_edit"),
    path(
        "tv-channels/<int:pk>/active/", tv_channel_views.tv_channel_active, name="tv_channel_active"
    ),
]
