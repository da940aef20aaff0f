"""core.documents: shipped templates built in code, the operator's upload in their place, DOCX
and PDF from the same context, and the page to replace a template."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core import documents
from core.models import DocumentTemplate
from core.tests.factories import UserFactory

CODE = "tests.list"
CONTEXT = {
    "title": "Список & Co",
    "rows": [{"name": "Иванов Иван", "address": "ул. Ленина, 12 <кв. 5>"}],
}


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture(autouse=True)
def registered(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    documents.register_template(
        CODE, "Test list", lambda: documents.table_template(
            heading="{{ title }}", lines=["Всего: {{ rows|length }}"],
            columns=[("Имя", "r.name"), ("Адрес", "r.address")], loop="rows", item="r",
        ), sample=lambda: CONTEXT,
    )  # fmt: skip
    yield
    documents.TEMPLATES.pop(CODE, None)


def docx_text(content: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(content))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def a_template(heading: str) -> bytes:
    return documents.table_template(
        heading=heading, lines=[], columns=[("Имя", "r.name")], loop="rows", item="r"
    )


@pytest.mark.django_db
def test_it_renders_the_shipped_template():
    text = docx_text(documents.render_docx(CODE, CONTEXT))
    assert "Список & Co" in text
    assert "ул. Ленина, 12 <кв. 5>" in text
    assert "Всего: 1" in text


@pytest.mark.django_db
def test_it_renders_a_pdf_with_cyrillic():
    from pypdf import PdfReader

    content = documents.render_pdf(CODE, CONTEXT)
    assert content.startswith(b"%PDF")
    text = PdfReader(io.BytesIO(content)).pages[0].extract_text()
    assert "Иванов Иван" in text
    assert "Список & Co" in text


@pytest.mark.django_db
def test_the_operators_template_wins():
    user = UserFactory(username="head", roles=["head"])
    upload = SimpleUploadedFile("mine.docx", a_template("Мой список: {{ title }}"))
    documents.template_upload(code=CODE, upload=upload, by=user)
    assert "Мой список: Список & Co" in docx_text(documents.render_docx(CODE, CONTEXT))
    documents.template_reset(code=CODE, by=user)
    assert not DocumentTemplate.objects.exists()
    assert "Мой список" not in docx_text(documents.render_docx(CODE, CONTEXT))


@pytest.fixture
def head(db):
    return UserFactory(username="head", roles=["head"])


def test_the_page_lists_the_documents(client, head):
    client.force_login(head)
    response = client.get(reverse("documents"))
    assert response.status_code == 200
    assert "Test list" in response.content.decode()


def test_the_page_needs_the_permission(client, db):
    client.force_login(UserFactory(username="op", roles=["operator"]))
    assert client.get(reverse("documents")).status_code == 403


def test_upload_rejects_get(client, head):
    client.force_login(head)
    url = reverse("document_template_upload", kwargs={"code": CODE})
    assert client.get(url).status_code == 405


def test_it_downloads_the_template_in_force(client, head):
    client.force_login(head)
    response = client.get(reverse("document_template_download", kwargs={"code": CODE}))
    assert response.status_code == 200
    assert "{{ title }}" in docx_text(response.content)


def test_a_good_template_is_uploaded(client, head):
    client.force_login(head)
    url = reverse("document_template_upload", kwargs={"code": CODE})
    upload = SimpleUploadedFile("new.docx", a_template("Новый: {{ title }}"))
    response = client.post(url, {"file": upload}, follow=True)
    assert "the new template is in force" in response.content.decode()
    stored = DocumentTemplate.objects.get(code=CODE)
    assert stored.uploaded_by == head
    assert "Новый: Список & Co" in docx_text(documents.render_docx(CODE, CONTEXT))


@pytest.mark.parametrize(
    "content, error",
    [
        (b"not a word file", "not a Word document"),
        (b"PK\x03\x04broken zip", "could not be read"),
        (None, "error in its fields"),
    ],
)
def test_a_bad_template_is_refused_and_nothing_saved(client, head, content, error):
    if content is None:
        content = a_template("{{ title ")  # a field left open
    client.force_login(head)
    url = reverse("document_template_upload", kwargs={"code": CODE})
    response = client.post(url, {"file": SimpleUploadedFile("bad.docx", content)}, follow=True)
    assert error in response.content.decode()
    assert not DocumentTemplate.objects.exists()
