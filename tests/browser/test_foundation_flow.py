import pytest

from accounts.models import AuthEvent
from tests.browser.conftest import PHONE, no_horizontal_scroll, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_signs_in_on_a_phone_and_sees_their_enterprises(world, live_server, page_at):
    page = page_at(PHONE)
    sign_in(page, live_server.url, "officer")
    page.wait_for_selector("#my-enterprises")
    assert "甲企业" in page.inner_text("#my-enterprises")
    assert "乙企业" not in page.content()
    assert no_horizontal_scroll(page)
    # The interface speaks Chinese by default.
    assert "我的企业" in page.content()
    page.click("#my-enterprises a:has-text('甲企业')")
    page.wait_for_url(f"**/enterprises/{world.enterprise_a.pk}/")
    assert world.enterprise_a.credit_code in page.content()
    assert no_horizontal_scroll(page)


def test_five_wrong_passwords_lock_the_account(world, live_server, page_at):
    page = page_at(PHONE)
    for _ in range(5):
        sign_in(page, live_server.url, "officer", password="wrong-Password1")
    page.wait_for_load_state()
    assert "锁定" in page.content()
    # Even the right password is refused while the lock lasts.
    sign_in(page, live_server.url, "officer")
    assert "锁定" in page.content()
    assert "/accounts/login/" in page.url
    assert AuthEvent.objects.filter(username="officer", kind=AuthEvent.Kind.LOCKOUT).exists()
    assert AuthEvent.objects.filter(username="officer", kind=AuthEvent.Kind.FAILURE).count() >= 5
