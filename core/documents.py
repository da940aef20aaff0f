"""Documents from Word templates: every printable document has a code, a shipped default
template built in code (so no binary file is committed) and, optionally, the operator's own
template uploaded in its place (core.models.DocumentTemplate).

    register_template("sales.route_sheet", _("Route sheet"), build_route_sheet,
                      sample=lambda: {"team": "…", "visits": [...]})
    render_docx("sales.route_sheet", context)  # bytes of a .docx
    render_pdf("sales.route_sheet", context)   # bytes of a .pdf

Templates are docxtpl (Jinja) documents: `{{ team }}` in a paragraph, `{%tr for v in visits %}`
… `{%tr endfor %}` around a table row. They run in Jinja's sandbox with autoescape (an "&" in an
address must not break the XML), so give them plain values: strings, numbers, dicts, lists.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from jinja2 import TemplateError
from jinja2.sandbox import SandboxedEnvironment

log = logging.getLogger(__name__)

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class DocumentKind:
    code: str
    title: Promise | str
    build: Callable[[], bytes]  # the shipped default template, as .docx bytes
    sample: Callable[[], dict] | None = None  # a context an uploaded template must render


TEMPLATES: dict[str, DocumentKind] = {}


def register_template(
    code: str,
    title: Promise | str,
    build: Callable[[], bytes],
    *,
    sample: Callable[[], dict] | None = None,
) -> None:
    """Make the document `code` known, with its shipped default template (call from an app's
    ready() or module import; registering a code again replaces it)."""
    TEMPLATES[code] = DocumentKind(code, title, build, sample)
    _default.cache_clear()


def kind(code: str) -> DocumentKind:
    try:
        return TEMPLATES[code]
    except KeyError:
        raise LookupError(f"no document template registered as {code!r}") from None


@cache
def _default(code: str) -> bytes:
    from django.conf import settings
    from django.utils import translation

    # The shipped template speaks the operator's language, whoever asks for it first.
    with translation.override(settings.LANGUAGE_CODE):
        return kind(code).build()


def default_template(code: str) -> bytes:
    """The shipped template of `code`."""
    return _default(code)


def uploaded(code: str):
    from .models import DocumentTemplate

    return DocumentTemplate.objects.filter(code=code).first()


def template_bytes(code: str) -> bytes:
    """The template in force: the operator's upload if there is one (and its file is there),
    else the shipped default."""
    kind(code)
    stored = uploaded(code)
    if stored is not None:
        try:
            with stored.file.open("rb") as f:
                return f.read()
        except OSError:
            log.warning("document template %s: file %s is missing", code, stored.file.name)
    return default_template(code)


def _environment() -> SandboxedEnvironment:
    # An uploaded template is the operator's code: sandboxed, and escaped into the XML.
    return SandboxedEnvironment(autoescape=True)


def _render(template: bytes, context: dict) -> bytes:
    from docxtpl import DocxTemplate

    document = DocxTemplate(io.BytesIO(template))
    document.render(context, jinja_env=_environment(), autoescape=True)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def render_docx(code: str, context: dict) -> bytes:
    """The document `code` filled with `context`, as .docx bytes."""
    return _render(template_bytes(code), context)


def render_pdf(code: str, context: dict) -> bytes:
    """The document `code` filled with `context`, as PDF bytes.

    Not a faithful conversion of the Word file (that would need LibreOffice on the server):
    the .docx is rendered from the template in force as for render_docx, then its paragraphs
    and tables are laid out again, in order, by fpdf2 in Roboto (shipped by the font-roboto
    package, so Cyrillic renders on any machine). The text and tables match the Word
    document; its fonts, colours, images and page setup do not carry over."""
    from docx import Document

    document = Document(io.BytesIO(render_docx(code, context)))
    return _pdf_from(document, title=str(kind(code).title))


def _font_files() -> dict[str, str]:
    import font_roboto

    return {"": font_roboto.font_files["Roboto"], "B": font_roboto.font_files["RobotoBold"]}


def _pdf_from(document, *, title: str) -> bytes:
    from docx.table import Table
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    tables = [block for block in document.iter_inner_content() if isinstance(block, Table)]
    wide = any(len(t.columns) > 6 for t in tables)
    pdf = FPDF(orientation="L" if wide else "P", format="A4")
    pdf.set_title(title)
    pdf.set_creator("Abonent")
    for style, path in _font_files().items():
        pdf.add_font("Roboto", style=style, fname=path)
    pdf.set_margins(12, 12, 12)
    pdf.set_auto_page_break(True, margin=12)
    pdf.add_page()
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            _pdf_table(pdf, block, FontFace)
            pdf.ln(3)
            continue
        text = block.text.strip()
        if not text:
            pdf.ln(3)
            continue
        style_name = (block.style.name if block.style is not None else "") or ""
        heading = style_name.startswith(("Heading", "Title"))
        bold = heading or any(run.bold for run in block.runs if run.text.strip())
        pdf.set_font("Roboto", style="B" if bold else "", size=15 if heading else 10)
        pdf.multi_cell(0, 7 if heading else 5, text, new_x="LMARGIN", new_y="NEXT")
        if heading:
            pdf.ln(2)
    return bytes(pdf.output())


def _pdf_table(pdf, table, FontFace) -> None:
    rows = [[cell.text.strip() for cell in row.cells] for row in table.rows]
    rows = [row for row in rows if any(row)]
    if not rows:
        return
    width = max(len(row) for row in rows)
    rows = [row + [""] * (width - len(row)) for row in rows]
    # Columns as wide as their longest line, within reason; fpdf2 scales them to the page.
    weights = [
        min(max(max((len(line) for row in rows for line in row[i].splitlines()), default=3), 3), 40)
        for i in range(width)
    ]
    pdf.set_font("Roboto", size=8 if width > 6 else 9)
    with pdf.table(
        col_widths=tuple(weights),
        headings_style=FontFace(emphasis="BOLD", fill_color=(230, 230, 230)),
        line_height=pdf.font_size * 1.6,
        text_align="LEFT",
    ) as out:
        for row in rows:
            line = out.row()
            for value in row:
                line.cell(value)


# -- the operator's templates --------------------------------------------------------------------
def template_check(code: str, content: bytes) -> None:
    """Refuse a file that is not a Word template that renders with the document's sample
    context (ValidationError with a message for the person uploading it)."""
    if not content.startswith(b"PK"):
        raise ValidationError(_("This is not a Word document (.docx)."))
    sample = kind(code).sample
    try:
        _render(content, sample() if sample else {})
    except TemplateError as e:
        raise ValidationError(
            _("The template has an error in its fields: %(error)s") % {"error": e}
        ) from None
    except Exception as e:  # a broken zip or XML: python-docx raises many kinds
        log.info("document template %s refused: %r", code, e)
        raise ValidationError(
            _("The file could not be read as a Word document (.docx): %(error)s")
            % {"error": e.__class__.__name__}
        ) from None


def template_upload(*, code: str, upload, by) -> None:
    """Put the operator's template in force for `code`, after checking that it renders."""
    from django.core.files.base import ContentFile
    from django.db import transaction

    from .models import DocumentTemplate

    kind(code)
    content = upload.read()
    template_check(code, content)
    with transaction.atomic():
        stored = DocumentTemplate.objects.select_for_update().filter(code=code).first()
        stored = stored or DocumentTemplate(code=code)
        old = stored.file.name if stored.pk else ""
        stored.uploaded_by = by
        stored.file.save(f"{code}.docx", ContentFile(content), save=False)
        stored.save()
    if old and old != stored.file.name:
        stored.file.storage.delete(old)


def template_reset(*, code: str, by) -> None:
    """Back to the shipped default for `code` (the upload is deleted)."""
    stored = uploaded(code)
    if stored is not None:
        name = stored.file.name
        storage = stored.file.storage
        stored.delete()
        if name:
            storage.delete(name)


# -- building default templates ------------------------------------------------------------------
def table_template(
    *,
    heading: str,
    lines: list[str],
    columns: list[tuple[str, str]],
    loop: str,
    item: str = "row",
    footer: list[str] = (),
    landscape: bool = False,
) -> bytes:
    """A default template: a heading, lines of text, a table with one row per item of `loop`
    (each column a (header, Jinja expression) pair) and lines after it. The texts may hold
    Jinja tags: `heading="Route sheet {{ team }}"`."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm, Pt

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    for margin in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, margin, Mm(15))
    document.styles["Normal"].font.size = Pt(10)
    document.add_heading(heading, level=1)
    for line in lines:
        document.add_paragraph(line)
    table = document.add_table(rows=4, cols=len(columns))
    table.style = "Table Grid"
    for i, (header, _expr) in enumerate(columns):
        cell = table.rows[0].cells[i]
        cell.text = header
        for run in cell.paragraphs[0].runs:
            run.bold = True
    table.rows[1].cells[0].text = f"{{%tr for {item} in {loop} %}}"
    for i, (_header, expr) in enumerate(columns):
        table.rows[2].cells[i].text = f"{{{{ {expr} }}}}"
    table.rows[3].cells[0].text = "{%tr endfor %}"
    for line in footer:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
