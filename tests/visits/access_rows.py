"""Access-matrix rows of visits and the ledger: every URL name, in- and out-of-scope objects, GET and POST.

The world: enterprise_a (station A) is assigned to the officer; the team answers for station A; enterprise_b is
the outsider's (station B); the legal team answers for no station. A ledger item of station A is owned by the
officer; one of station B by the outsider. Refused POSTs must change nothing (the matrix checks).
"""

from tests.matrix import IN_SCOPE_A, IN_SCOPE_B, Row, everyone_but_auditor, expect, post_only
from tests.visits.factories import make_issue, make_issue_photo, make_visit, make_visit_photo
from visits.models import Issue


def scoped(table, **overrides):
    return expect(403, **{**table, "auditor": 403, **overrides})


def visit_a(w):
    return [make_visit(w).pk]


def visit_b(w):
    return [make_visit(w, author=w.outsider, enterprise=w.enterprise_b).pk]


def issue_a(w):
    return [make_issue(w, Issue.Status.ACCEPTED).pk]


def issue_b(w):
    return [make_issue(w, Issue.Status.ASSIGNED, enterprise=w.enterprise_b, owner=w.outsider, unit=w.station_b).pk]


# Station A's item: who may attempt each action (302: the empty form is refused with a message), who is
# forbidden (403), and who cannot see the item at all (404: legal, outsider).
ACTION_ROLES = {
    "assign": ("coordinator",),
    "accept": ("officer",),
    "progress": ("officer",),
    "resolve": ("officer",),
    "close": ("leader", "coordinator"),
    "reject": ("leader", "coordinator"),
    "reopen": ("leader", "coordinator"),
    "return": ("officer",),
    "transfer": ("officer", "coordinator"),
    "unable_request": ("officer",),
    "unable": ("coordinator",),
    "unable_refuse": ("coordinator",),
    "extension_request": ("officer",),
    "extension_approve": ("coordinator",),
    "extension_refuse": ("coordinator",),
    "supervise": ("leader", "coordinator"),
    "satisfaction": ("coordinator",),
    "comment": ("leader", "coordinator", "team", "officer"),
}
OUT_OF_SCOPE_A = {"legal": 404, "outsider": 404}

ROWS = [
    Row("visits:visit_list", get=everyone_but_auditor()),
    Row("visits:visit_list", get=everyone_but_auditor(), query="export=xlsx", label="export"),
    # The empty form is shown again with its errors (200); nothing is saved.
    Row("visits:visit_add", get=everyone_but_auditor(), post=everyone_but_auditor()),
    Row(
        "visits:visit_add", get=scoped(IN_SCOPE_A), post=scoped(IN_SCOPE_A, legal=404, outsider=404),
        query=lambda w: f"enterprise={w.enterprise_a.pk}", label="for enterprise A",
    ),
    Row("visits:visit_detail", get=scoped(IN_SCOPE_A), args=visit_a, label="station A"),
    Row("visits:visit_detail", get=scoped(IN_SCOPE_B), args=visit_b, label="station B"),
    # Within 24 hours: the author (the officer) and the office; leaders and teams may not correct it.
    Row(
        "visits:visit_edit",
        get=scoped(IN_SCOPE_A, leader=403, team=403), post=scoped(IN_SCOPE_A, leader=403, team=403), args=visit_a,
    ),
    Row(
        "visits:visit_edit",
        get=scoped(IN_SCOPE_B, leader=403), post=scoped(IN_SCOPE_B, leader=403), args=visit_b, label="station B",
    ),
    Row("visits:visit_photo", get=scoped(IN_SCOPE_A), args=lambda w: [make_visit_photo(make_visit(w)).pk]),
    Row("visits:issue_list", get=everyone_but_auditor()),
    Row(
        "visits:issue_list", get=expect(403, leader=200, coordinator=200), query="export=xlsx", label="export",
    ),
    Row("visits:issue_add", get=everyone_but_auditor(), post=everyone_but_auditor()),
    Row("visits:issue_bulk_assign", *post_only(dict(coordinator=302), expect(403))),
    Row("visits:issue_detail", get=scoped(IN_SCOPE_A), args=issue_a, label="station A"),
    Row("visits:issue_detail", get=scoped(IN_SCOPE_B), args=issue_b, label="station B"),
    Row("visits:issue_photo", get=scoped(IN_SCOPE_A), args=lambda w: [make_issue_photo(make_issue(w)).pk]),
]

for action, allowed in ACTION_ROLES.items():
    ROWS.append(
        Row(
            f"visits:issue_{action}",
            *post_only(dict.fromkeys(allowed, 302), OUT_OF_SCOPE_A),
            args=issue_a,
        )
    )

# Station B's item, assigned to the outsider: the outsider may accept it; station A's people cannot see it.
ROWS.append(
    Row(
        "visits:issue_accept",
        *post_only(dict(outsider=302), {"team": 404, "legal": 404, "officer": 404}),
        args=issue_b, label="station B",
    )
)
