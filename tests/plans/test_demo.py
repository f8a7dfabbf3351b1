import io

import pytest
from django.core.management import call_command

from enterprises.models import Attachment, Plan, PlanTask

pytestmark = pytest.mark.django_db


def test_the_demo_plans_load_once_and_tell_the_programmes_stories():
    call_command("seed_demo", stdout=io.StringIO())
    counts = (Plan.objects.count(), PlanTask.objects.count(), Attachment.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (Plan.objects.count(), PlanTask.objects.count(), Attachment.objects.count()) == counts
    mine = Plan.objects.get(enterprise__name="山城区鑫源煤矿", status=Plan.Status.APPROVED)
    assert "绿色通道" in mine.title and mine.tasks.filter(title__contains="绿色通道").exists()
    assert mine.tasks.filter(done_at__isnull=False).exists() and mine.tasks.filter(done_at__isnull=True).exists()
    assert Plan.objects.filter(enterprise__name="创越化工有限责任公司", status=Plan.Status.APPROVED).exists()
    assert Plan.objects.filter(enterprise__name="天马制衣厂", status=Plan.Status.DRAFT).exists()
    assert Plan.objects.filter(status=Plan.Status.CLOSED).exists()
    letter = Attachment.objects.get(title="治安服务管家承诺书（创越化工）")
    with letter.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
