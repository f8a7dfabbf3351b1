from tests.matrix import IN_SCOPE_A, IN_SCOPE_B, Row, everyone_but_auditor, expect, post_only

ENTERPRISE_A = lambda w: [w.enterprise_a.pk]  # noqa: E731
ENTERPRISE_B = lambda w: [w.enterprise_b.pk]  # noqa: E731
OFFICE_LEADER_ONLY = dict(leader=200, coordinator=200)


def scoped(table, **overrides):
    return expect(403, **{**table, "auditor": 403, **overrides})


ROWS = [
    Row("enterprises:enterprise_list", get=everyone_but_auditor()),
    Row("enterprises:enterprise_list", get=everyone_but_auditor(), query="export=xlsx", label="export"),
    Row("enterprises:enterprise_add", get=expect(403, **OFFICE_LEADER_ONLY), post=expect(403, **OFFICE_LEADER_ONLY)),
    Row("enterprises:enterprise_detail", get=scoped(IN_SCOPE_A), args=ENTERPRISE_A, label="in station A"),
    Row("enterprises:enterprise_detail", get=scoped(IN_SCOPE_B), args=ENTERPRISE_B, label="in station B"),
    Row(
        "enterprises:enterprise_edit",
        get=scoped(IN_SCOPE_A, team=403, officer=403),
        post=scoped(IN_SCOPE_A, team=403, officer=403),
        args=ENTERPRISE_A,
    ),
    Row(
        "enterprises:enterprise_edit",
        get=scoped(IN_SCOPE_B, outsider=403),
        post=scoped(IN_SCOPE_B, outsider=403),
        args=ENTERPRISE_B,
        label="station B",
    ),
    # Officers may correct the contact details of their own enterprises; teams may not.
    Row("enterprises:enterprise_contact", get=scoped(IN_SCOPE_A, team=403), post=scoped(IN_SCOPE_A, team=403), args=ENTERPRISE_A),
    Row(
        "enterprises:enterprise_close",
        *post_only(dict(leader=302, coordinator=302), scoped(IN_SCOPE_A, team=403, officer=403)),
        args=ENTERPRISE_A,
    ),
    Row(
        "enterprises:enterprise_reopen",
        *post_only(dict(leader=302, coordinator=302), scoped(IN_SCOPE_A, team=403, officer=403)),
        args=ENTERPRISE_A,
    ),
    Row(
        "enterprises:assignment_add",
        get=scoped(IN_SCOPE_A, leader=403, team=403, officer=403),
        post=scoped(IN_SCOPE_A, leader=403, team=403, officer=403),
        args=ENTERPRISE_A,
    ),
    Row(
        "enterprises:assignment_end",
        *post_only(dict(coordinator=302), scoped(IN_SCOPE_A, leader=403, team=403, officer=403)),
        args=lambda w: [w.assignment_a.pk],
    ),
]
