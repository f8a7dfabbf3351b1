"""Who may open or post to each page of the supervision app (see tests/matrix.py).

The referral rows walk one referral of station A's officer (about enterprise_a) to the step each action belongs to.
"""

from django.utils import timezone

from tests.matrix import IN_SCOPE_A, IN_SCOPE_B, Row, everyone_but_auditor, expect, post_only
from tests.supervision.factories import MeetingActionFactory, MeetingFactory, NoticeFactory, referral_at

NOT_FOUND = dict(leader=404, coordinator=404, team=404, legal=404, officer=404, outsider=404)


def scoped(table, **overrides):
    return expect(403, **{**table, "auditor": 403, **overrides})


def at(status):
    return lambda w: [referral_at(status, world=w).pk]


def referral_b(w):
    from supervision import services

    referral = services.referral_raise(
        actor=w.outsider, title="乙企业请求协调", request="需要市局协助", requested_of="市公安局治安管理支队", enterprise=w.enterprise_b
    )
    return [services.referral_submit(referral=referral, actor=w.outsider).pk]


def meeting(w):
    return [MeetingFactory(chair=w.leader, created_by=w.coordinator).pk]


def action_of_station_a(w):
    return [MeetingActionFactory(meeting=MeetingFactory(chair=w.leader), owner_unit=w.station_a, owner=w.officer).pk]


def notice(w):
    return [NoticeFactory(unit=w.station_a, issuer=w.leader).pk]


OFFICE = dict(coordinator=200)
WRITERS = dict(coordinator=200, team=200, legal=200, officer=200, outsider=200)
ASSESSORS = dict(leader=200, coordinator=200, team=200, legal=200)
SUBMITTED_A = scoped(IN_SCOPE_A)

ROWS = [
    # Referrals: the board, the table and its export.
    Row("supervision:referral_list", get=everyone_but_auditor()),
    Row("supervision:referral_list", get=everyone_but_auditor(), query="view=table&status=REPORTED", label="table"),
    Row("supervision:referral_list", get=everyone_but_auditor(), query="export=xlsx", label="export"),
    # Leaders instruct, they do not raise referrals.
    Row("supervision:referral_add", get=expect(403, **WRITERS), post=expect(403, **WRITERS)),
    Row("supervision:referral_detail", get=scoped(IN_SCOPE_A), args=at("SUBMITTED"), label="submitted, station A"),
    Row("supervision:referral_detail", get=scoped(IN_SCOPE_B), args=referral_b, label="submitted, station B"),
    # A draft stays with the unit writing it.
    Row("supervision:referral_detail", get=scoped({**NOT_FOUND, "officer": 200}), args=at("DRAFT"), label="draft"),
    Row(
        "supervision:referral_edit", get=scoped({**NOT_FOUND, "officer": 200}), post=scoped({**NOT_FOUND, "officer": 200}),
        args=at("DRAFT"), label="draft",
    ),
    # Once submitted nobody edits it (the office sends it back to the draft instead).
    Row(
        "supervision:referral_edit", get=scoped(IN_SCOPE_A, leader=403, coordinator=403, team=403, officer=403),
        post=scoped(IN_SCOPE_A, leader=403, coordinator=403, team=403, officer=403), args=at("SUBMITTED"), label="submitted",
    ),
    Row(
        "supervision:referral_submit", *post_only(dict(officer=302), scoped(NOT_FOUND)), args=at("DRAFT"),
    ),
    Row(
        "supervision:referral_return",
        *post_only(dict(coordinator=302), scoped(IN_SCOPE_A, leader=403, team=403, officer=403)),
        args=at("SUBMITTED"), data=lambda w: {"reason": "请补充企业联系人"},
    ),
    Row(
        "supervision:referral_report",
        *post_only(dict(coordinator=302), scoped(IN_SCOPE_A, leader=403, team=403, officer=403)),
        args=at("SUBMITTED"),
        data=lambda w: {
            "report_addressee": "市公安局护航经济发展专班办公室", "report_body": "现报告如下。",
            "reported_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
    ),
    Row(
        "supervision:referral_report",
        *post_only(dict(coordinator=200), scoped(IN_SCOPE_A, leader=403, team=403, officer=403)),
        args=at("SUBMITTED"), label="bad input shows the form again",
    ),
    Row(
        "supervision:referral_instruct",
        *post_only(dict(leader=302), scoped(IN_SCOPE_A, coordinator=403, team=403, officer=403)),
        args=at("REPORTED"), data=lambda w: {"instruction": "请治安大队牵头办理。"},
    ),
    Row(
        "supervision:referral_assign",
        *post_only(dict(coordinator=302), scoped(IN_SCOPE_A, leader=403, team=403, officer=403)),
        args=at("INSTRUCTED"), data=lambda w: {"assigned_unit": w.station_a.pk, "reply_workdays": 5},
    ),
    # Only the assigned unit (station A: the officer) replies.
    Row(
        "supervision:referral_reply",
        *post_only(dict(officer=302), scoped(IN_SCOPE_A, leader=403, coordinator=403, team=403)),
        args=at("ASSIGNED"), data=lambda w: {"reply": "已办结。"},
    ),
    Row("supervision:referral_document", get=scoped(IN_SCOPE_A), args=at("REPORTED")),
    Row("supervision:referral_document", get=scoped(IN_SCOPE_A, leader=404, coordinator=404, team=404, officer=404),
        args=at("SUBMITTED"), label="not reported yet"),
    # Meetings: every unit reads the minutes; the office records them.
    Row("supervision:meeting_list", get=everyone_but_auditor()),
    Row("supervision:meeting_add", get=expect(403, **OFFICE), post=expect(403, **OFFICE)),
    Row("supervision:meeting_detail", get=everyone_but_auditor(), args=meeting),
    Row("supervision:meeting_edit", get=expect(403, **OFFICE), post=expect(403, **OFFICE), args=meeting),
    Row("supervision:meeting_minutes", get=everyone_but_auditor(), args=meeting),
    Row("supervision:meetingaction_add", get=expect(403, **OFFICE), post=expect(403, **OFFICE), args=meeting),
    Row("supervision:meetingaction_list", get=everyone_but_auditor()),
    Row("supervision:meetingaction_list", get=everyone_but_auditor(), query="export=xlsx", label="export"),
    Row("supervision:meetingaction_edit", get=expect(403, **OFFICE), post=expect(403, **OFFICE), args=action_of_station_a),
    # The responsible unit (station A) or the office reports a decision done; only the office cancels one.
    Row(
        "supervision:meetingaction_done", *post_only(dict(coordinator=302, officer=302), expect(403)),
        args=action_of_station_a, data=lambda w: {"result": "已完成"},
    ),
    Row(
        "supervision:meetingaction_cancel", *post_only(dict(coordinator=302), expect(403)),
        args=action_of_station_a, data=lambda w: {"result": "情况变化"},
    ),
    # Notices: everyone reads them; only leaders issue them.
    Row("supervision:notice_list", get=everyone_but_auditor()),
    Row("supervision:notice_list", get=everyone_but_auditor(), query="export=xlsx", label="export"),
    Row("supervision:notice_add", get=expect(403, leader=200), post=expect(403, leader=200)),
    Row("supervision:notice_detail", get=everyone_but_auditor(), args=notice),
    Row("supervision:notice_edit", get=expect(403, leader=200), post=expect(403, leader=200), args=notice),
    # The scoreboard: leaders, the office and teams; officers see their own station's page only.
    Row("supervision:scoreboard", get=expect(403, **ASSESSORS)),
    Row("supervision:scoreboard", get=expect(403, **ASSESSORS), query="export=xlsx", label="export"),
    Row("supervision:scoreboard_records", get=scoped(IN_SCOPE_A), args=lambda w: [w.station_a.pk, "enterprises"]),
    Row("supervision:scoreboard_records", get=scoped(IN_SCOPE_B), args=lambda w: [w.station_b.pk, "closed"], label="station B"),
    Row("supervision:scoreboard_records", get=scoped(IN_SCOPE_A, **dict.fromkeys(IN_SCOPE_A, 404)),
        args=lambda w: [w.station_a.pk, "nonsense"], label="unknown figure"),
    Row("supervision:unit_detail", get=scoped(IN_SCOPE_A), args=lambda w: [w.station_a.pk]),
    Row("supervision:unit_detail", get=scoped(IN_SCOPE_B), args=lambda w: [w.station_b.pk], label="station B"),
    Row("supervision:unit_detail", get=scoped({**NOT_FOUND, "leader": 200, "coordinator": 200, "team": 200}),
        args=lambda w: [w.team_unit.pk], label="team"),
]
