"""Celery application; without REDIS_URL tasks run in-process (see core.jobs)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "abonent.settings")

app = Celery("abonent")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
