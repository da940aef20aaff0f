"""Abonent: the workspace of an operator's subscriber department."""

from .celery import app as celery_app

__all__ = ["celery_app"]
