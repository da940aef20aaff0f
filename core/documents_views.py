"""The operator's Word templates (core.documents): the head or the administrator downloads the
template in force, uploads a replacement (checked: it must render) or goes back to the default."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from . import documents
from .models import DocumentTemplate

PERMISSION = "core.change_documenttemplate"


@permission_required(PERMISSION, raise_exception=True)
@require_safe
def document_templates(request):
    stored = {t.code: t for t in DocumentTemplate.objects.select_related("uploaded_by")}
    rows = [
        {"code": code, "title": kind.title, "uploaded": stored.get(code)}
        for code, kind in sorted(documents.TEMPLATES.items(), key=lambda item: str(item[1].title))
    ]
    return render(request, "core/documents.html", {"rows": rows})


def _kind(code: str) -> documents.DocumentKind:
    try:
        return documents.kind(code)
    except LookupError:
        raise Http404 from None


@permission_required(PERMISSION, raise_exception=True)
@require_safe
def document_template_download(request, code: str):
    _kind(code)
    which = request.GET.get("default") == "1"
    content = documents.default_template(code) if which else documents.template_bytes(code)
    response = HttpResponse(content, content_type=documents.DOCX_TYPE)
    suffix = "-default" if which else ""
    response["Content-Disposition"] = f'attachment; filename="{code}{suffix}.docx"'
    return response


@permission_required(PERMISSION, raise_exception=True)
@require_POST
def document_template_upload(request, code: str):
    kind = _kind(code)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a .docx file to upload."))
        return redirect("documents")
    try:
        documents.template_upload(code=code, upload=upload, by=request.user)
    except ValidationError as e:
        messages.error(
            request,
            _("%(document)s: the template was not saved. %(error)s")
            % {"document": kind.title, "error": " ".join(e.messages)},
        )
    else:
        messages.success(
            request, _("%(document)s: the new template is in force.") % {"document": kind.title}
        )
    return redirect("documents")


@permission_required(PERMISSION, raise_exception=True)
@require_POST
def document_template_reset(request, code: str):
    kind = _kind(code)
    documents.template_reset(code=code, by=request.user)
    messages.success(
        request, _("%(document)s: the shipped template is in force.") % {"document": kind.title}
    )
    return redirect("documents")
