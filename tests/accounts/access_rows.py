from tests.matrix import Row, expect, only

AUDITOR_ONLY = only({"auditor": 200})

ROWS = [
    Row("accounts:login", get=expect(302, anonymous=200), post=expect(302, anonymous=200)),
    Row("accounts:logout", get=expect(405), post=expect(302)),
    Row("accounts:audit_log", get=AUDITOR_ONLY),
    Row("accounts:authevent_list", get=AUDITOR_ONLY),
]
