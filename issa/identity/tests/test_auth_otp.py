"""AUTH-2: one-time SMS codes — shape, resend rule, single use, binding, tries and daily caps."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings

from issa.core.errors import DomainError
from issa.identity.models import AuditEvent, OtpChallenge
from issa.identity.services import otp_send, otp_verify
from issa.identity.services.otp import sms_text
from issa.notifications.models import SmsMessage

from .conftest import last_code, make_subscriber, wrong

P = OtpChallenge.Purpose


@override_settings(ISSA_PUBLIC_HOST="issa.example.by:8443")
def test_auth_2_sms_is_webotp_shaped_and_code_stored_only_as_hmac(subscriber, web, now):
    challenge = otp_send(msisdn=subscriber.msisdn, purpose=P.REGISTER, actor=web, now=now)
    sms = SmsMessage.objects.get(msisdn=subscriber.msisdn)
    code = last_code(subscriber.msisdn)
    assert sms.body.splitlines()[-1] == f"@issa.example.by #{code}"
    assert sms.sensitive
    assert code not in sms.body_stored
    assert len(code) == 6
    assert code.isdigit()
    assert code not in challenge.code_hash
    assert len(challenge.code_hash) == 64
    assert challenge.expires_at - challenge.created_at <= timedelta(minutes=10)


def test_auth_2_code_text_has_no_other_digits_run():
    assert sms_text(code="123456", purpose=P.LOGIN).count("123456") == 2


def test_auth_2_new_code_only_three_minutes_after_the_last(subscriber, web, now):
    otp_send(msisdn=subscriber.msisdn, purpose=P.REGISTER, actor=web, now=now)
    with pytest.raises(DomainError) as refused:
        otp_send(msisdn=subscriber.msisdn, purpose=P.REGISTER, actor=web, now=now + timedelta(seconds=179))
    assert refused.value.code == "otp_resend_too_soon"
    assert refused.value.params["seconds"] == 1
    assert SmsMessage.objects.count() == 1
    assert OtpChallenge.objects.count() == 1
    otp_send(msisdn=subscriber.msisdn, purpose=P.REGISTER, actor=web, now=now + timedelta(seconds=180))
    assert SmsMessage.objects.count() == 2


def test_auth_2_new_code_replaces_the_old_one(subscriber, web, now):
    otp_send(msisdn=subscriber.msisdn, purpose=P.REGISTER, actor=web, now=now)
    first = last_code(subscriber.msisdn)
    later = now + timedelta(minutes=3)
    otp_send(msisdn=subscriber.msisdn, purpose=P.REGISTER, actor=web, now=later)
    second = last_code(subscriber.msisdn)
    if first != second:
        with pytest.raises(DomainError):
            otp_verify(msisdn=subscriber.msisdn, purpose=P.REGISTER, code=first, actor=web, now=later)
    otp_verify(msisdn=subscriber.msisdn, purpose=P.REGISTER, code=second, actor=web, now=later)


def test_auth_2_code_is_single_use(subscriber, web, now):
    otp_send(msisdn=subscriber.msisdn, purpose=P.REGISTER, actor=web, now=now)
    code = last_code(subscriber.msisdn)
    otp_verify(msisdn=subscriber.msisdn, purpose=P.REGISTER, code=code, actor=web, now=now)
    with pytest.raises(DomainError) as again:
        otp_verify(msisdn=subscriber.msisdn, purpose=P.REGISTER, code=code, actor=web, now=now)
    assert again.value.code == "otp_invalid"


def test_auth_2_code_is_bound_to_its_purpose_and_number(subscriber, web, now):

    other = make_subscriber()
    otp_send(msisdn=subscriber.msisdn, purpose=P.REGISTER, actor=web, now=now)
    code = last_code(subscriber.msisdn)
    with pytest.raises(DomainError):
        otp_verify(msisdn=subscriber.msisdn, purpose=P.RECOVER, code=code, actor=web, now=now)
    with pytest.raises(DomainError):
        otp_verify(msisdn=other.msisdn, purpose=P.REGISTER, code=code, actor=web, now=now)
    assert OtpChallenge.objects.get().state == OtpChallenge.State.OPEN  # still usable for its own flow


def test_auth_2_code_expires_after_ten_minutes(subscriber, web, now):
    otp_send(msisdn=subscriber.msisdn, purpose=P.REGISTER, actor=web, now=now)
    code = last_code(subscriber.msisdn)
    with pytest.raises(DomainError):
        otp_verify(msisdn=subscriber.msisdn, purpose=P.REGISTER, code=code, actor=web, now=now + timedelta(minutes=10))


def test_auth_2_abuse_code_guessing_dies_after_five_wrong_tries(subscriber, web, now):
    otp_send(msisdn=subscriber.msisdn, purpose=P.REGISTER, actor=web, now=now)
    code = last_code(subscriber.msisdn)
    for attempt in range(5):
        with pytest.raises(DomainError):
            otp_verify(
                msisdn=subscriber.msisdn,
                purpose=P.REGISTER,
                code=wrong(code),
                actor=web,
                now=now + timedelta(seconds=61 * attempt),
            )
    challenge = OtpChallenge.objects.get()
    assert challenge.state == OtpChallenge.State.FAILED
    assert challenge.attempts == 5
    # even the right code is useless now (and the number is locked for a while)
    with pytest.raises(DomainError):
        otp_verify(msisdn=subscriber.msisdn, purpose=P.REGISTER, code=code, actor=web, now=now + timedelta(hours=2))
    assert AuditEvent.objects.filter(action="auth.otp_failed").count() >= 5


def test_auth_2_abuse_resend_flooding_hits_the_daily_cap_per_number(subscriber, web, now):
    for i in range(10):
        otp_send(msisdn=subscriber.msisdn, purpose=P.REGISTER, actor=web, now=now + timedelta(minutes=3 * i))
    with pytest.raises(DomainError) as capped:
        otp_send(msisdn=subscriber.msisdn, purpose=P.REGISTER, actor=web, now=now + timedelta(minutes=31))
    assert capped.value.code == "otp_daily_limit"
    assert SmsMessage.objects.count() == 10
    otp_send(msisdn=subscriber.msisdn, purpose=P.REGISTER, actor=web, now=now + timedelta(days=1, minutes=1))


def test_auth_2_abuse_daily_cap_per_ip_across_numbers(db, web, now, settings):
    settings.ISSA_RULES = {"OTP_DAILY_PER_IP": 3}

    numbers = [make_subscriber().msisdn for _ in range(4)]
    for msisdn in numbers[:3]:
        otp_send(msisdn=msisdn, purpose=P.REGISTER, actor=web, now=now)
    with pytest.raises(DomainError) as capped:
        otp_send(msisdn=numbers[3], purpose=P.REGISTER, actor=web, now=now)
    assert capped.value.code == "otp_daily_limit"
    assert SmsMessage.objects.filter(msisdn=numbers[3]).count() == 0
