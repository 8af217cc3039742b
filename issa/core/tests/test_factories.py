import pytest

from issa.billing.selectors import account_balance
from issa.testing.factories import UserFactory, subscriber_with_balance


@pytest.mark.django_db
def test_subscriber_with_balance_books_an_opening_entry():
    subscriber = subscriber_with_balance(1234)
    assert account_balance(account_id=subscriber.account_id) == 1234
    assert subscriber.sim.puk1_matches("12345678")
    user = UserFactory.create(subscriber=subscriber)
    assert user.login == subscriber.msisdn
    assert user.check_password("demo1234")
