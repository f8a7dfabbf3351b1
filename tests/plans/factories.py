"""Factories of plans, tasks, attachments and the photos of the file."""

import datetime as dt
import io

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from factory.django import DjangoModelFactory
from PIL import Image

from enterprises.models import Attachment, Plan, PlanTask
from tests.factories import EnterpriseFactory, IssueFactory, UserFactory, VisitFactory
from visits.models import IssuePhoto, IssueUpdate, VisitPhoto


def jpeg_bytes(width=64, height=48, color=(200, 80, 40)) -> bytes:
    data = io.BytesIO()
    Image.new("RGB", (width, height), color).save(data, format="JPEG")
    return data.getvalue()


def png_bytes(width=32, height=32) -> bytes:
    data = io.BytesIO()
    Image.new("RGBA", (width, height), (0, 128, 0, 255)).save(data, format="PNG")
    return data.getvalue()


def pdf_bytes(title="commitment") -> bytes:
    from enterprises.demo import _pdf

    return _pdf(title)


class PlanFactory(DjangoModelFactory):
    class Meta:
        model = Plan

    enterprise = factory.SubFactory(EnterpriseFactory)
    title = factory.Sequence(lambda n: f"护航计划{n}")
    situation = "企业生产经营正常，外地员工较多。"
    risks = "危化品储存安全。"
    needs = "希望民警上门办理居住登记。"
    goals = "安全生产零事故。"
    measures = "定期走访，指导内保。"
    review_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=90))
    status = Plan.Status.DRAFT

    class Params:
        approved = factory.Trait(
            status=Plan.Status.APPROVED,
            approved_at=factory.LazyFunction(timezone.now),
            approved_by=factory.SubFactory(UserFactory, leader=True),
        )
        closed = factory.Trait(status=Plan.Status.CLOSED, closed_at=factory.LazyFunction(timezone.now))


class PlanTaskFactory(DjangoModelFactory):
    class Meta:
        model = PlanTask

    plan = factory.SubFactory(PlanFactory)
    title = factory.Sequence(lambda n: f"任务{n}")
    owner = factory.SubFactory(UserFactory)
    starts_on = factory.LazyFunction(timezone.localdate)
    workdays = 5
    deadline = factory.LazyAttribute(lambda t: t.starts_on + dt.timedelta(days=7))

    class Params:
        overdue = factory.Trait(
            starts_on=factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=20)),
            deadline=factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=3)),
        )
        done = factory.Trait(
            done_at=factory.LazyFunction(timezone.now),
            done_by=factory.SelfAttribute("owner"),
            completion_note="已完成",
        )


class AttachmentFactory(DjangoModelFactory):
    class Meta:
        model = Attachment

    enterprise = factory.SubFactory(EnterpriseFactory)
    kind = Attachment.Kind.COMMITMENT
    title = factory.Sequence(lambda n: f"服务管家承诺书{n}")
    file = factory.LazyFunction(lambda: ContentFile(pdf_bytes(), name="document.pdf"))
    file_type = Attachment.FileType.PDF
    size = factory.LazyAttribute(lambda a: a.file.size)


class VisitPhotoFactory(DjangoModelFactory):
    class Meta:
        model = VisitPhoto

    visit = factory.SubFactory(VisitFactory)
    image = factory.LazyFunction(lambda: ContentFile(jpeg_bytes(), name="photo.jpg"))
    thumbnail = factory.LazyFunction(lambda: ContentFile(jpeg_bytes(16, 12), name="thumb.jpg"))
    caption = factory.Sequence(lambda n: f"走访现场{n}")


class IssuePhotoFactory(DjangoModelFactory):
    class Meta:
        model = IssuePhoto

    issue = factory.SubFactory(IssueFactory)
    image = factory.LazyFunction(lambda: ContentFile(png_bytes(), name="photo.png"))
    thumbnail = factory.LazyFunction(lambda: ContentFile(jpeg_bytes(16, 16), name="thumb.jpg"))
    caption = factory.Sequence(lambda n: f"整改照片{n}")


class IssueUpdateFactory(DjangoModelFactory):
    class Meta:
        model = IssueUpdate

    issue = factory.SubFactory(IssueFactory)
    actor = factory.SubFactory(UserFactory)
    from_status = ""
    to_status = "REGISTERED"
    text = "登记入台账"
