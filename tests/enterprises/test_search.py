"""The enterprise search finds the same rows whichever index serves it (trigram, short terms, code prefix)."""

import pytest

from tests.factories import EnterpriseFactory, valid_credit_code

pytestmark = pytest.mark.django_db

NAMES = ["恒达物流有限公司", "江城恒达化工厂", "鑫源物流股份有限公司", "恒泰食品厂", "Hengda Trading 恒达"]


@pytest.fixture
def listed(world):
    made = [EnterpriseFactory(name=name, station=world.station_a) for name in NAMES]
    return made


def names_found(client, user, term):
    client.force_login(user)
    response = client.get("/enterprises/", {"q": term, "per_page": 100})
    assert response.status_code == 200
    return {row.name for row in response.context["table"].data}


@pytest.mark.parametrize("term", ["恒达", "恒", "物流", "恒达物流", "达化工", "hengda", "HENGDA TR", "无此企业"])
def test_name_search_finds_exactly_the_names_that_contain_the_term(client, world, listed, term):
    expected = {n for n in NAMES if term.upper() in n.upper()}
    assert names_found(client, world.coordinator, term) == expected


def test_credit_code_search_matches_a_prefix_of_the_code(client, world, listed):
    code = valid_credit_code(987654)
    EnterpriseFactory(name="代码查询企业", credit_code=code, station=world.station_a)
    assert names_found(client, world.coordinator, code) == {"代码查询企业"}
    assert names_found(client, world.coordinator, code[:12].lower()) == {"代码查询企业"}


def test_search_stays_inside_the_officers_scope(client, world, listed):
    EnterpriseFactory(name="恒达外站企业", station=world.station_b)
    assert "恒达外站企业" not in names_found(client, world.officer, "恒达")
    assert "恒达外站企业" in names_found(client, world.coordinator, "恒达")


def normalised(html):
    import re

    return re.sub(r">\s+<", "><", str(html)).strip()


@pytest.mark.parametrize("value", ["", "CHEMICAL"])
def test_quick_select_writes_the_html_of_djangos_select(value):
    from django import forms

    from enterprises.filters import QuickSelect
    from enterprises.models import Enterprise

    choices = [("", "---------"), *Enterprise.Industry.choices, ("Group <&>", [("a", "甲 & 乙"), ("b", "丙")])]
    attrs = {"id": "id_industry", "class": "form-select", "required": True, "data-x": '"q"'}
    quick = QuickSelect(choices=choices).render("industry", value, attrs=attrs)
    django = forms.Select(choices=choices).render("industry", value, attrs=attrs)
    assert normalised(quick) == normalised(django)


def test_filter_form_keeps_the_chosen_station(client, world):
    client.force_login(world.coordinator)
    response = client.get("/enterprises/", {"station": world.station_b.pk})
    html = normalised(response.content.decode())
    assert f'<option value="{world.station_b.pk}" selected>{world.station_b.name}</option>' in html
