"""seed_scale builds the city's shape: counts, valid codes, one current community officer per enterprise."""

import random

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q
from PIL import Image

from accounts.models import StationLiaison, Unit, User
from enterprises.models import Assignment, Enterprise
from liaison import creditcode
from liaison.management.commands import seed_scale
from visits.models import Issue, IssueUpdate, Visit, VisitPhoto

pytestmark = pytest.mark.django_db

N = 50


@pytest.fixture
def city(db):
    call_command("seed_scale", enterprises=N, batch_size=100, chunk=20, sample_photos=12, stdout=open("/dev/null", "w"))


def test_city_has_the_requested_shape(city):
    assert Enterprise.objects.count() == N
    assert Visit.objects.count() == 10 * N
    assert Issue.objects.count() == 4 * N
    assert IssueUpdate.objects.count() == 8 * N
    assert Unit.objects.filter(kind=Unit.Kind.STATION).count() >= 2
    assert StationLiaison.objects.exists()


def test_a_third_of_the_enterprises_have_a_plan_with_tasks(city, capsys):
    from enterprises.models import Plan, PlanTask

    planned = Plan.objects.values("enterprise").distinct().count()
    assert N // 6 <= planned <= N // 2
    assert Plan.objects.filter(enterprise__name=seed_scale.SAMPLE_NAME).exists()
    assert PlanTask.objects.count() >= 3 * Plan.objects.count()
    assert not Plan.objects.filter(created_at__isnull=True).exists()
    assert "skipped" not in capsys.readouterr().err
    # Tasks chain one after the other, and only approved plans have done tasks.
    assert not PlanTask.objects.filter(done_at__isnull=False).exclude(plan__status=Plan.Status.APPROVED).exists()
    assert not Plan.objects.filter(status=Plan.Status.APPROVED, approved_by__isnull=True).exists()


def test_every_credit_code_is_valid_and_unique(city):
    codes = list(Enterprise.objects.values_list("credit_code", flat=True))
    assert len(set(codes)) == N
    assert all(creditcode.is_valid(code) for code in codes)


def test_every_enterprise_has_exactly_one_current_officer_from_its_station(city):
    current = Q(assignments__kind=Assignment.Kind.OFFICER, assignments__ended_on__isnull=True)
    counts = Enterprise.objects.annotate(n=Count("assignments", filter=current)).values_list("n", flat=True)
    assert set(counts) == {1}
    stewards = Assignment.objects.filter(kind=Assignment.Kind.OFFICER, ended_on__isnull=True)
    assert not stewards.exclude(officer__unit_id=F("enterprise__station_id")).exists()
    assert not stewards.exclude(officer__role=User.Role.OFFICER).exists()


def test_the_sample_enterprise_has_fifty_visits_and_thirty_items(city):
    sample = Enterprise.objects.get(name=seed_scale.SAMPLE_NAME)
    assert sample.visits.count() == seed_scale.SAMPLE_VISITS
    assert sample.issues.count() == seed_scale.SAMPLE_ISSUES
    assert sample.last_visit_at == sample.visits.order_by("-visited_at").first().visited_at


def test_the_sample_enterprise_has_photo_files_of_a_phone_photos_size(city):
    photos = VisitPhoto.objects.filter(visit__enterprise__name=seed_scale.SAMPLE_NAME)
    assert photos.count() == 12
    assert not VisitPhoto.objects.exclude(visit__enterprise__name=seed_scale.SAMPLE_NAME).exists()
    # Spread over the visits, each its own file on disk, each a real JPEG with a thumbnail.
    assert photos.values("visit").distinct().count() == 12
    assert len({p.image.name for p in photos}) == 12
    photo = photos.first()
    with Image.open(photo.image.path) as image:
        assert (image.format, image.size) == ("JPEG", (1600, 1200))
    assert photo.image.size > 100_000
    with Image.open(photo.thumbnail.path) as thumb:
        assert max(thumb.size) <= 320


def test_ledger_is_numbered_per_year_without_gaps_and_closed_items_have_times(city):
    for year in Issue.objects.values_list("year", flat=True).distinct():
        serials = sorted(Issue.objects.filter(year=year).values_list("serial", flat=True))
        assert serials == list(range(1, len(serials) + 1))
    assert not Issue.objects.filter(status=Issue.Status.CLOSED, closed_at__isnull=True).exists()
    assert Issue.objects.filter(status=Issue.Status.CLOSED).exists()
    assert Issue.objects.exclude(status=Issue.Status.CLOSED).exists()


def test_history_keeps_generated_times_not_the_load_time(city):
    visit = Visit.objects.order_by("visited_at").first()
    assert visit.created_at == visit.visited_at
    assert Enterprise.objects.values("created_at").distinct().count() > N // 2


def test_bench_accounts_exist_and_the_load_writes_no_audit_entries(city):
    from auditlog.models import LogEntry

    usernames = {seed_scale.BENCH_LEADER, seed_scale.BENCH_OFFICE, seed_scale.BENCH_OFFICER, seed_scale.BENCH_ADMIN}
    assert User.objects.filter(username__in=usernames).count() == 4
    assert User.objects.get(username=seed_scale.BENCH_OFFICER).check_password(seed_scale.PASSWORD)
    assert not LogEntry.objects.exists()


def test_a_second_run_on_the_same_database_is_refused(city):
    with pytest.raises(CommandError):
        call_command("seed_scale", enterprises=N, stdout=open("/dev/null", "w"))


def test_city_does_not_collide_with_the_demo_district(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    demo = Enterprise.objects.count()
    call_command("seed_scale", enterprises=N, batch_size=100, sample_photos=0, stdout=open("/dev/null", "w"))
    assert Enterprise.objects.count() == demo + N


def test_allocate_splits_exactly_and_respects_zero_weights():
    rng = random.Random(1)
    counts = seed_scale.allocate(rng, 1000, [0.0, 1.0, 3.0])
    assert sum(counts) == 1000
    assert counts[0] == 0
    assert counts[2] > counts[1]


def test_credit_codes_are_unique_across_a_large_range():
    codes = {seed_scale.credit_code(i, "91", "420102") for i in range(20000)}
    assert len(codes) == 20000
    assert all(creditcode.is_valid(code) for code in list(codes)[:500])
