"""Materials (教材): checked by content as ticket attachments are, versioned
with the platform change behind each version; clerks download the current one."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import PNG, pptx_slides
from training.models import Invitation, Material

from .conftest import make_session

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def upload(name, content):
    return SimpleUploadedFile(name, content)


@pytest.fixture
def material(client, prefecture_supervisor):
    client.force_login(prefecture_supervisor)
    response = client.post(
        reverse("training:materials"), {"title": "电子证照操作手册", "file": upload("v1.pdf", PDF)}
    )
    assert response.status_code == 302
    return Material.objects.get()


def test_a_file_whose_content_is_not_what_its_name_says_is_refused(client, prefecture_supervisor):
    client.force_login(prefecture_supervisor)
    response = client.post(
        reverse("training:materials"), {"title": "课件", "file": upload("slides.pdf", PNG)}
    )
    assert response.status_code == 400
    assert "slides.pdf" in response.content.decode()
    assert not Material.objects.exists()


def test_an_executable_is_refused(client, prefecture_supervisor):
    client.force_login(prefecture_supervisor)
    response = client.post(
        reverse("training:materials"),
        {"title": "x", "file": upload("tool.pdf", b"MZ\x90\x00\x03" + bytes(200))},
    )
    assert response.status_code == 400
    assert not Material.objects.exists()


def test_a_new_version_names_its_platform_change_and_becomes_current(
    client, material, prefecture_supervisor
):
    url = reverse("training:material", args=[material.pk])
    refused = client.post(url, {"file": upload("v2.pdf", PDF + b"v2"), "platform_change": ""})
    assert refused.status_code == 400
    assert material.versions.count() == 1
    added = client.post(
        url, {"file": upload("v2.pdf", PDF + b"v2"), "platform_change": "电子证照系统新增批量制证"}
    )
    assert added.status_code == 302
    current = material.current
    assert current.number == 2 and current.platform_change == "电子证照系统新增批量制证"
    download = client.get(reverse("training:download", args=[material.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).endswith(b"v2")
    assert "v2.pdf" in download["Content-Disposition"]


def test_invited_clerk_downloads_the_current_version_others_do_not(
    client, material, plan, clerk, outsider
):
    session = make_session(plan, "2026-05-10T09:00")
    material.sessions.add(session)
    Invitation.objects.create(session=session, user=clerk)
    url = reverse("training:download", args=[material.pk])
    client.force_login(clerk)
    assert client.get(url).status_code == 200
    page = client.get(reverse("training:session", args=[session.pk])).content.decode()
    assert url in page
    # A clerk reads but does not upload.
    new = client.post(
        reverse("training:material", args=[material.pk]),
        {"file": upload("v2.pdf", PDF), "platform_change": "x"},
    )
    assert new.status_code == 403
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_slides_are_uploaded_as_a_material(client, prefecture_supervisor):
    client.force_login(prefecture_supervisor)
    response = client.post(
        reverse("training:materials"),
        {"title": "一件事一次办课件", "file": upload("课件.pptx", pptx_slides())},
    )
    assert response.status_code == 302
    current = Material.objects.get().current
    assert current.filename == "课件.pptx"
    assert current.content_type.endswith("presentationml.presentation")
