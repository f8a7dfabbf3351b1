from tests.matrix import Row, everyone_but_auditor, expect

ROWS = [
    # Leaders and the office see the district, teams the enterprises they answer for; officers have their home.
    Row("reports:dashboard", get=expect(403, leader=200, coordinator=200, team=200, legal=200)),
    Row("reports:dashboard", get=expect(403, leader=200, coordinator=200, team=200, legal=200),
        query="since=2026-01-01&until=2026-03-31", label="a quarter"),
    Row("reports:coverage", get=everyone_but_auditor()),
    Row("reports:coverage", get=everyone_but_auditor(), query="visited=no&export=xlsx", label="export"),
]
