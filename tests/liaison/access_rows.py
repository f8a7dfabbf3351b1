from tests.matrix import Row, everyone_but_auditor

ROWS = [
    # Home: every programme role; the auditor is sent to the audit log.
    Row("home", get=everyone_but_auditor(200, auditor=302), post=everyone_but_auditor(405, auditor=405)),
]
