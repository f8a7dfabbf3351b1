"""Ledger items in any state, photos and uploads for the visits tests (built through the services)."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from liaison.uploads import clean_image
from visits import services
from visits.models import Issue, Visit, VisitPhoto
from visits.models import IssuePhoto as IssuePhotoModel

S = Issue.Status


def image_bytes(fmt="PNG", size=(64, 48), colour=(200, 30, 30), exif=None) -> bytes:
    data = io.BytesIO()
    image = Image.new("RGB", size, colour)
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(data, format=fmt, **kwargs)
    return data.getvalue()


def upload(name="photo.png", content=None, content_type="image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content if content is not None else image_bytes(), content_type=content_type)


def photo() -> services.Photo:
    image, thumb = clean_image(upload())
    return services.Photo(image=image, thumbnail=thumb)


def make_visit(world, *, author=None, enterprise=None, **fields) -> Visit:
    from django.utils import timezone

    return services.visit_record(
        actor=author or world.officer, enterprise=enterprise or world.enterprise_a,
        visited_at=fields.pop("visited_at", timezone.now()), **fields,
    )


def make_visit_photo(visit) -> VisitPhoto:
    p = photo()
    return VisitPhoto.objects.create(visit=visit, image=p.image, thumbnail=p.thumbnail)


def make_issue_photo(issue) -> IssuePhotoModel:
    p = photo()
    return IssuePhotoModel.objects.create(issue=issue, image=p.image, thumbnail=p.thumbnail)


def make_issue(world, status=S.REGISTERED, *, enterprise=None, category=Issue.Category.HAZARD, description="消防通道堵塞",
               owner=None, unit=None, supervised=False) -> Issue:
    """A ledger item brought to `status` the way users would: registered by the officer, assigned by the office
    to station A (owner: the officer), and so on."""
    enterprise = enterprise or world.enterprise_a
    registrar = world.officer if enterprise.station_id == world.station_a.pk else world.coordinator
    issue = services.issue_register(actor=registrar, enterprise=enterprise, category=category, description=description)
    if status == S.REGISTERED:
        return issue
    owner = owner if owner is not None else world.officer
    unit = unit or (owner.unit if owner else world.station_a)
    office = world.coordinator
    issue = services.issue_assign(issue=issue, actor=office, responsible_unit=unit, owner=owner)
    if status == S.ASSIGNED:
        return issue
    if status == S.RETURNED:
        return services.issue_return(issue=issue, actor=owner, reason="不属我单位")
    issue = services.issue_accept(issue=issue, actor=owner)
    if supervised:
        issue = services.issue_supervise(issue=issue, actor=world.leader, level=Issue.Supervision.KEY, instruction="限期整改")
    if status == S.ACCEPTED:
        return issue
    if status == S.TRANSFERRED:
        return services.issue_transfer(issue=issue, actor=owner, receiving_authority="区应急管理局")
    if status == S.UNABLE:
        return services.issue_unable(issue=issue, actor=office, reason="企业已停产")
    services.issue_progress(issue=issue, actor=owner, text="已督促企业清理")
    issue.refresh_from_db()
    if status == S.IN_PROGRESS:
        return issue
    issue = services.issue_resolve(issue=issue, actor=owner, evidence="通道已清理，现场复查畅通")
    if status == S.RESOLVED:
        return issue
    issue = services.issue_close(issue=issue, actor=office)
    if status == S.CLOSED:
        return issue
    raise ValueError(status)
