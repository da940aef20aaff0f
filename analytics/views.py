from django.shortcuts import render


def report(request, name):
    return render(request, "analytics/report.html")
