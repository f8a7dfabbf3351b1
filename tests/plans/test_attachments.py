"""Documents in the file: PDF/JPEG/PNG by content, at most 10 MB, downloads only inside one's scope."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from enterprises.models import Attachment
from liaison.models import SubmitToken
from tests.factories import IssueFactory, VisitFactory
from tests.plans.factories import AttachmentFactory, jpeg_bytes, pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db


def upload(client, enterprise, content, name="letter.pdf", **data):
    form = {
        "kind": Attachment.Kind.COMMITMENT, "title": "治安服务管家承诺书", "document_date": "2026-06-08",
        "file": SimpleUploadedFile(name, content), **data,
    }
    return client.post(reverse("enterprises:attachment_add", args=[enterprise.pk]), form)


@pytest.mark.parametrize("content,name,file_type", [
    (pdf_bytes(), "承诺书.pdf", "pdf"),
    (jpeg_bytes(), "scan.jpg", "image"),
    (png_bytes(), "scan.png", "image"),
])
def test_an_officer_adds_a_scanned_letter_to_the_file(world, client_for, content, name, file_type):
    response = upload(client_for(world.officer), world.enterprise_a, content, name)
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.enterprise == world.enterprise_a
    assert attachment.file_type == file_type
    assert attachment.created_by == world.officer
    # Stored under a random name, never the uploader's.
    assert name not in attachment.file.name


def test_a_text_file_named_pdf_is_refused_with_a_message(world, client_for):
    response = upload(client_for(world.officer), world.enterprise_a, b"<html><script>alert(1)</script></html>", "fake.pdf")
    assert response.status_code == 200
    assert "fake.pdf" in response.content.decode()
    assert response.context["form"].errors["file"]
    # What was typed is kept.
    assert response.context["form"]["title"].value() == "治安服务管家承诺书"
    assert not Attachment.objects.exists()


def test_a_file_over_10_mb_is_refused(world, client_for, settings):
    big = pdf_bytes() + b"0" * (settings.UPLOAD_MAX_BYTES + 1) + b"\n%%EOF\n"
    response = upload(client_for(world.officer), world.enterprise_a, big, "big.pdf")
    assert response.status_code == 200
    assert "10 MB" in " ".join(response.context["form"].errors["file"])
    assert not Attachment.objects.exists()


def test_an_attachment_links_to_a_visit_or_ledger_item_of_the_same_enterprise_only(world, client_for):
    client = client_for(world.officer)
    visit = VisitFactory(enterprise=world.enterprise_a, author=world.officer)
    issue = IssueFactory(enterprise=world.enterprise_a)
    assert upload(client, world.enterprise_a, pdf_bytes(), visit=visit.pk, issue=issue.pk).status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.visit == visit and attachment.issue == issue
    other_visit = VisitFactory(enterprise=world.enterprise_b, author=world.outsider)
    response = upload(client_for(world.coordinator), world.enterprise_a, pdf_bytes(), visit=other_visit.pk)
    assert response.status_code == 200 and response.context["form"].errors["visit"]
    assert Attachment.objects.count() == 1


def test_a_double_submit_stores_one_document(world, client_for):
    client = client_for(world.officer)
    token = {"_submit_token": "b" * 32}
    assert upload(client, world.enterprise_a, pdf_bytes(), **token).status_code == 302
    assert upload(client, world.enterprise_a, pdf_bytes(), **token).status_code == 302
    assert Attachment.objects.count() == 1
    assert SubmitToken.objects.count() == 1


def test_download_is_an_attachment_with_safe_headers(world, client_for):
    attachment = AttachmentFactory(enterprise=world.enterprise_a, title="承诺书", created_by=world.officer)
    response = client_for(world.officer).get(reverse("enterprises:attachment_download", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E6%89%BF%E8%AF%BA%E4%B9%A6.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_another_stations_officer_gets_404(world, client_for):
    attachment = AttachmentFactory(enterprise=world.enterprise_a)
    response = client_for(world.outsider).get(reverse("enterprises:attachment_download", args=[attachment.pk]))
    assert response.status_code == 404


def test_a_removed_document_is_no_longer_served_but_stays_listed(world, client_for):
    attachment = AttachmentFactory(enterprise=world.enterprise_a, created_by=world.officer, title="误传的文件")
    client = client_for(world.coordinator)
    url = reverse("enterprises:attachment_remove", args=[attachment.pk])
    assert client.post(url, {"reason": "传错企业"}).status_code == 302
    attachment.refresh_from_db()
    assert attachment.removed_by == world.coordinator and attachment.removal_reason == "传错企业"
    assert client.get(reverse("enterprises:attachment_download", args=[attachment.pk])).status_code == 404
    page = client.get(reverse("enterprises:enterprise_detail", args=[world.enterprise_a.pk]), {"tab": "documents"})
    assert "误传的文件" in page.content.decode() and 'id="removed-documents"' in page.content.decode()


def test_removing_needs_a_reason(world, client_for):
    attachment = AttachmentFactory(enterprise=world.enterprise_a, created_by=world.officer)
    client_for(world.officer).post(reverse("enterprises:attachment_remove", args=[attachment.pk]), {"reason": ""})
    attachment.refresh_from_db()
    assert attachment.removed_at is None
