from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Gateway, MessageTemplate


@admin.register(Gateway)
class GatewayAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "active", "part_price", "sender"]


@admin.register(MessageTemplate)
class MessageTemplateAdmin(SimpleHistoryAdmin):
    list_display = ["name", "channel", "purpose", "active", "code"]
    list_filter = ["channel", "purpose", "active"]
    search_fields = ["name", "body", "code"]
