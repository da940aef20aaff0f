"""Benchmarks: `make bench` (see docs/benchmarks.md)."""

import os


def django_setup() -> None:
    """Django for a bench run on its own, against DATABASE_URL, without DEBUG's query log."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "abonent.settings")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "bench")
    import django

    django.setup()
