from tests.matrix import Row, everyone_but_auditor, expect

ROWS = [
    # Home: every programme role; the auditor is sent to the audit log.
    Row("home", get=everyone_but_auditor(200, auditor=302), post=everyone_but_auditor(405, auditor=405)),
]

ROWS += [
    Row("notification_list", get=everyone_but_auditor()),
    Row("notification_read", get=expect(405), post=everyone_but_auditor(302)),
]

ROWS += [
    # Search behind the enterprise and people selects: any programme user, within their scope.
    Row("pick_enterprises", get=everyone_but_auditor(), query="?term=甲"),
    Row("pick_people", get=everyone_but_auditor(), query="?term=a"),
    Row("pick_plan_tasks", get=everyone_but_auditor(), query="?term=甲"),
]
