from django.shortcuts import render


def import_list(request):
    return render(request, "subscribers/import_list.html")
