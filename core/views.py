"""Start page and background-job progress."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from .models import Job


@login_required
def home(request):
    return render(request, "core/home.html")


@login_required
def job_detail(request, pk: int):
    job = get_object_or_404(Job, pk=pk)
    template = "core/_job_progress.html" if request.htmx else "core/job_detail.html"
    return render(request, template, {"job": job})
