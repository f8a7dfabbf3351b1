"""Access matrix rows for every casework URL (see tests/matrix.py).

The world: station A (the officer's; the team answers for it), station B (the outsider's); the legal team sees
only cases that carry a coercive measure. Objects are made inside `args` from the world.
"""

import io

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from casework.models import ActivityPhoto, MeasureReview
from tests.casework.factories import (
    ActivityFactory,
    CaseFactory,
    GreenChannelFactory,
    MeasureFactory,
    review,
    unit_member,
)
from tests.factories import EnterpriseFactory
from tests.matrix import IN_SCOPE_A, IN_SCOPE_B, Row, everyone_but_auditor, expect, post_only

S = MeasureReview.Stage
WRITERS = dict(coordinator=200, team=200, legal=200, officer=200, outsider=200)  # who registers cases and activities
STATISTICS = dict(leader=200, coordinator=200, team=200, legal=200)


def scoped(table, **overrides):
    return expect(403, **{**table, "auditor": 403, **overrides})


# Case A is handled by station A: the office and the officer (its member) manage it; the team only sees it.
MANAGE_A = dict(leader=403, team=403)
# With a measure on it, the legal team sees case A too.
WITH_MEASURE_A = {**IN_SCOPE_A, "legal": 200}


def case_a(world, **fields):
    return CaseFactory(enterprise=world.enterprise_a, handling_unit=world.station_a, **fields)


def measure_a(world, reviews=0):
    measure = MeasureFactory(case=case_a(world, filed=True))
    for stage in range(1, reviews + 1):
        review(measure, stage)
    measure.refresh_from_db()
    return measure


def executed_measure_a(world):
    from casework import services

    measure = measure_a(world, reviews=3)
    services.measure_execute(measure=measure, actor=unit_member(measure))
    return measure


def channel_a(world):
    return GreenChannelFactory(
        enterprise=EnterpriseFactory(name="甲煤矿", station=world.station_a, explosives=True), officer=world.officer
    )


def activity_a(world):
    return ActivityFactory(units=[world.station_a], enterprises=[world.enterprise_a], created_by=world.officer)


def photo_a(world):
    name = "casework/access-matrix.jpg"
    if not default_storage.exists(name):
        data = io.BytesIO()
        Image.new("RGB", (8, 8)).save(data, format="JPEG")
        default_storage.save(name, ContentFile(data.getvalue()))
    return ActivityPhoto.objects.create(activity=activity_a(world), image=name, thumbnail=name)


ROWS = [
    # ---------------------------------------------------------------- cases
    Row("casework:case_list", get=everyone_but_auditor()),
    Row("casework:case_list", get=everyone_but_auditor(), query="export=xlsx", label="export"),
    Row("casework:case_list", get=everyone_but_auditor(), query="enterprise=1", label="by enterprise"),
    Row("casework:case_add", get=expect(403, **WRITERS), post=expect(403, **WRITERS)),
    Row("casework:case_detail", get=scoped(IN_SCOPE_A), args=lambda w: [case_a(w).pk], label="station A"),
    Row(
        "casework:case_detail", get=scoped(IN_SCOPE_B),
        args=lambda w: [CaseFactory(enterprise=w.enterprise_b, handling_unit=w.station_b).pk], label="station B",
    ),
    Row(
        "casework:case_detail", get=scoped(IN_SCOPE_B, team=200),
        args=lambda w: [CaseFactory(enterprise=w.enterprise_b, handling_unit=w.team_unit).pk], label="handled by the team",
    ),
    Row("casework:case_edit", get=scoped(IN_SCOPE_A, **MANAGE_A), post=scoped(IN_SCOPE_A, **MANAGE_A), args=lambda w: [case_a(w).pk]),
    Row(
        "casework:case_file", *post_only(dict(coordinator=302, officer=302), scoped(IN_SCOPE_A, **MANAGE_A)),
        args=lambda w: [case_a(w).pk],
    ),
    Row(
        "casework:case_solve", get=scoped(IN_SCOPE_A, **MANAGE_A), post=scoped(IN_SCOPE_A, **MANAGE_A),
        args=lambda w: [case_a(w, filed=True).pk],
    ),
    Row(
        "casework:case_close", *post_only(dict(coordinator=302, officer=302), scoped(IN_SCOPE_A, **MANAGE_A)),
        args=lambda w: [case_a(w, solved=True).pk],
    ),
    Row(
        "casework:case_transfer", get=scoped(IN_SCOPE_A, **MANAGE_A), post=scoped(IN_SCOPE_A, **MANAGE_A),
        args=lambda w: [case_a(w).pk],
    ),
    # ---------------------------------------------------------------- coercive measures
    Row(
        "casework:measure_add", get=scoped(IN_SCOPE_A, **MANAGE_A), post=scoped(IN_SCOPE_A, **MANAGE_A),
        args=lambda w: [case_a(w, filed=True).pk],
    ),
    Row("casework:measure_list", get=everyone_but_auditor()),
    Row("casework:measure_list", get=everyone_but_auditor(), query="export=xlsx", label="export"),
    Row("casework:measure_list", get=everyone_but_auditor(), query="awaiting=2", label="awaiting legal"),
    Row("casework:measure_detail", get=scoped(WITH_MEASURE_A), args=lambda w: [measure_a(w).pk]),
    # The review that is due decides who may open the review page.
    Row(
        "casework:measure_review", get=scoped(WITH_MEASURE_A, leader=403, team=403, legal=403),
        post=scoped(WITH_MEASURE_A, leader=403, team=403, legal=403),
        args=lambda w: [measure_a(w).pk], label="awaiting the unit",
    ),
    Row(
        "casework:measure_review", get=scoped(WITH_MEASURE_A, leader=403, coordinator=403, team=403, officer=403),
        post=scoped(WITH_MEASURE_A, leader=403, coordinator=403, team=403, officer=403),
        args=lambda w: [measure_a(w, reviews=1).pk], label="awaiting the legal team",
    ),
    Row(
        "casework:measure_review", get=scoped(WITH_MEASURE_A, coordinator=403, team=403, legal=403, officer=403),
        post=scoped(WITH_MEASURE_A, coordinator=403, team=403, legal=403, officer=403),
        args=lambda w: [measure_a(w, reviews=2).pk], label="awaiting the leadership",
    ),
    Row(
        "casework:measure_review", get=scoped(WITH_MEASURE_A, leader=403, coordinator=403, team=403, legal=403, officer=403),
        post=scoped(WITH_MEASURE_A, leader=403, coordinator=403, team=403, legal=403, officer=403),
        args=lambda w: [measure_a(w, reviews=3).pk], label="approved",
    ),
    Row(
        "casework:measure_execute",
        *post_only(dict(coordinator=302, officer=302), scoped(WITH_MEASURE_A, leader=403, team=403, legal=403)),
        args=lambda w: [measure_a(w, reviews=3).pk], label="approved",
    ),
    # Under review: the handling unit's POST is answered with the refusal (a message) and changes nothing
    # (tests/casework/test_triple_review.py checks the database).
    Row(
        "casework:measure_execute",
        *post_only(dict(coordinator=302, officer=302), scoped(WITH_MEASURE_A, leader=403, team=403, legal=403)),
        args=lambda w: [measure_a(w, reviews=2).pk], label="under review",
    ),
    Row(
        "casework:measure_lift", get=scoped(WITH_MEASURE_A, leader=403, team=403, legal=403),
        post=scoped(WITH_MEASURE_A, leader=403, team=403, legal=403), args=lambda w: [executed_measure_a(w).pk],
    ),
    # ---------------------------------------------------------------- green channel
    Row("casework:channel_list", get=everyone_but_auditor()),
    Row("casework:channel_list", get=everyone_but_auditor(), query="export=xlsx", label="export"),
    Row("casework:channel_add", get=expect(403, coordinator=200), post=expect(403, coordinator=200)),
    Row("casework:channel_detail", get=scoped(IN_SCOPE_A), args=lambda w: [channel_a(w).pk]),
    Row(
        "casework:channel_detail", get=scoped(IN_SCOPE_B, officer=200),
        args=lambda w: [GreenChannelFactory(enterprise=EnterpriseFactory(station=w.station_b, explosives=True), officer=w.officer).pk],
        label="designated officer of another station",
    ),
    Row(
        "casework:channel_edit", get=scoped(IN_SCOPE_A, leader=403, team=403, officer=403),
        post=scoped(IN_SCOPE_A, leader=403, team=403, officer=403), args=lambda w: [channel_a(w).pk],
    ),
    Row(
        "casework:channel_approve", get=scoped(IN_SCOPE_A, leader=403, team=403),
        post=scoped(IN_SCOPE_A, leader=403, team=403), args=lambda w: [channel_a(w).pk],
    ),
    Row(
        "casework:channel_close", *post_only(dict(coordinator=302), scoped(IN_SCOPE_A, leader=403, team=403, officer=403)),
        args=lambda w: [channel_a(w).pk],
    ),
    # ---------------------------------------------------------------- activities
    Row("casework:activity_list", get=everyone_but_auditor()),
    Row("casework:activity_list", get=everyone_but_auditor(), query="export=xlsx", label="export"),
    Row("casework:activity_add", get=expect(403, **WRITERS), post=expect(403, **WRITERS)),
    Row("casework:activity_detail", get=scoped(IN_SCOPE_A), args=lambda w: [activity_a(w).pk]),
    Row(
        "casework:activity_detail", get=scoped(IN_SCOPE_B),
        args=lambda w: [ActivityFactory(units=[w.station_b], enterprises=[w.enterprise_b]).pk], label="station B",
    ),
    Row(
        "casework:activity_edit", get=scoped(IN_SCOPE_A, leader=403, team=403),
        post=scoped(IN_SCOPE_A, leader=403, team=403), args=lambda w: [activity_a(w).pk],
    ),
    Row(
        "casework:activity_photo_add",
        *post_only(dict(coordinator=302, officer=302), scoped(IN_SCOPE_A, leader=403, team=403)),
        args=lambda w: [activity_a(w).pk],
    ),
    Row("casework:activity_photo", get=scoped(IN_SCOPE_A), args=lambda w: [photo_a(w).pk]),
    # ---------------------------------------------------------------- statistics
    Row("casework:statistics", get=expect(403, **STATISTICS)),
    Row("casework:statistics", get=expect(403, **STATISTICS), query="export=xlsx", label="export"),
    Row("casework:statistics", get=expect(403, **STATISTICS), query="show=business", label="records"),
]
