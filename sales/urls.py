from django.urls import path

from .views import applications, field
from .views import billing_export as billing_export_views
from .views import force_majeure as force_majeure_views
from .views import installer as installer_views
from .views import paid_not_connected as paid_not_connected_views
from .views import relocation as relocation_views
from .views import reports as sales_reports
from .views import schedule as schedule_views
from .views import settings as sales_settings

app_name = "sales"

urlpatterns = [
    path("applications/new/", applications.application_new, name="application_new"),
    path("applications/<int:pk>/", applications.application_detail, name="application"),
    path(
        "applications/<int:pk>/step/<str:action>/",
        applications.application_act,
        name="application_step",
    ),
    path("queue/", applications.queue, name="queue"),
    path("demand/", applications.demand, name="demand"),
    path("queue/<int:pk>/call/", applications.queue_call, name="queue_call"),
    path("field/", field.field_form, name="field"),
    path("field/coverage/", field.field_coverage, name="field_coverage"),
    # The daily sales report, plans, recipients; refer a friend (sales.views.reports).
    path("reports/daily/", sales_reports.report_daily, name="report_daily"),
    path("reports/recipients/", sales_reports.report_recipients, name="report_recipients"),
    path("plans/", sales_reports.plans, name="plans"),
    path("referrals/", sales_reports.referral_programme, name="referrals"),
    path("settings/", sales_settings.settings_page, name="settings"),
    path("settings/sla/", sales_settings.sla_save, name="settings_sla"),
    path("settings/referrals/", sales_settings.referral_rules_save, name="settings_referral"),
    path("settings/reasons/new/", sales_settings.reason_edit, name="settings_reason_new"),
    path("settings/reasons/<int:pk>/", sales_settings.reason_edit, name="settings_reason"),
    path("referrals/rewards.xlsx", sales_reports.referral_export, name="referral_export"),
    path("referrals/exported/", sales_reports.referral_export_mark, name="referral_export_mark"),
    path("referrals/code/<int:pk>/", sales_reports.referral_code_issue, name="referral_code_issue"),
    # The installer's day, the export to billing, the paid-not-connected memo (item 6, 9).
    path("installer/", installer_views.installer_day, name="installer"),
    path("installer/<int:pk>/", installer_views.installer_job, name="installer_job"),
    path("installer/<int:pk>/start/", installer_views.installer_start, name="installer_start"),
    path("installer/<int:pk>/finish/", installer_views.installer_finish, name="installer_finish"),
    path("installer/<int:pk>/photos/", installer_views.installer_photos, name="installer_photos"),
    path("billing-export/", billing_export_views.billing_export, name="billing_export"),
    path(
        "paid-not-connected/memo.<str:fmt>",
        paid_not_connected_views.paid_not_connected_memo,
        name="paid_not_connected_memo",
    ),
    # The installation schedule: the board, booking, moving and cancelling a visit, teams, route
    # sheets (sales.views.schedule).
    path("schedule/", schedule_views.board, name="schedule"),
    path("applications/<int:pk>/book/", schedule_views.application_book, name="application_book"),
    path("visits/<int:pk>/move/", schedule_views.visit_move, name="visit_move"),
    path("visits/<int:pk>/cancel/", schedule_views.visit_cancel, name="visit_cancel"),
    path("teams/", schedule_views.teams, name="teams"),
    path("teams/new/", schedule_views.team_edit, name="team_new"),
    path("teams/<int:pk>/", schedule_views.team_edit, name="team_edit"),
    path("teams/<int:pk>/days/", schedule_views.team_days, name="team_days"),
    path(
        "teams/<int:pk>/days/<int:day_pk>/remove/",
        schedule_views.team_day_remove,
        name="team_day_remove",
    ),
    path(
        "schedule/<int:team>/<str:day>/route.<str:kind>",
        schedule_views.route_sheet,
        name="route_sheet",
    ),
    # Force majeure and relocation (items 7, 8: sales.views.force_majeure, .relocation).
    path("force-majeure/", force_majeure_views.force_majeure, name="force_majeure"),
    path(
        "force-majeure/preview/",
        force_majeure_views.force_majeure_preview,
        name="force_majeure_preview",
    ),
    path(
        "force-majeure/apply/", force_majeure_views.force_majeure_apply, name="force_majeure_apply"
    ),
    path(
        "force-majeure/done/<str:token>/",
        force_majeure_views.force_majeure_result,
        name="force_majeure_result",
    ),
    path("subscribers/<int:pk>/relocate/", relocation_views.relocation_new, name="relocation_new"),
    path("relocations/<int:pk>/", relocation_views.relocation_detail, name="relocation"),
    path("relocations/<int:pk>/book/", relocation_views.relocation_book, name="relocation_book"),
    path(
        "relocations/<int:pk>/cancel/", relocation_views.relocation_cancel, name="relocation_cancel"
    ),
]
