"""Console sign-in: the demo operator with the published secret, unusable secrets, one answer for every failure."""

from __future__ import annotations

import base64
import re

import pyotp
from sqlalchemy import select

from core.console.demo import DEMO_TOTP_SECRET, OPERATOR, PASSWORD, demo_staff
from core.staff.models import Staff
from core.testing import csrf_of
from tests.core.console.conftest import PASSWORD as STAFF_PASSWORD

WRONG = "The e-mail, password or authenticator code is not correct."


def _bits(secret: str) -> int:
    return len(base64.b32decode(secret + "=" * (-len(secret) % 8))) * 8


async def _post(client, email: str, password: str, code: str):
    page = await client.get("/console/login")
    return await client.post(
        "/console/login", data={"csrf_token": csrf_of(page.text), "email": email, "password": password, "code": code}
    )


def _shape(html: str) -> str:
    """The page without what differs from one request to the next (CSRF tokens, nonces)."""
    html = re.sub(r'name="csrf_token" value="[^"]+"', 'name="csrf_token" value=""', html)
    html = re.sub(r'<meta name="csrf-token" content="[^"]+"', '<meta name="csrf-token" content=""', html)
    return re.sub(r'nonce="[^"]+"', 'nonce=""', html)


async def test_demo_operator_signs_in_through_the_console_form(alpha, operator_client, portal):
    async with portal.database.session() as db:
        await demo_staff(alpha, db)
        await db.commit()
    assert _bits(DEMO_TOTP_SECRET) >= 160
    answer = await _post(operator_client, OPERATOR, PASSWORD, pyotp.TOTP(DEMO_TOTP_SECRET).now())
    assert answer.status_code == 303, answer.text
    assert (await operator_client.get("/console/approvals")).status_code == 200


async def test_demo_renews_the_short_secret_of_an_older_demo_database(alpha, operator_client, portal):
    async with portal.database.session() as db:
        await demo_staff(alpha, db)
        operator = await db.scalar(select(Staff).where(Staff.email == OPERATOR))
        operator.totp_secret = "PORTIQUEDEMOTOTP"  # 80 bits: what the demo printed before
        await db.commit()
    async with portal.database.session() as db:
        await demo_staff(alpha, db)
        await db.commit()
    answer = await _post(operator_client, OPERATOR, PASSWORD, pyotp.TOTP(DEMO_TOTP_SECRET).now())
    assert answer.status_code == 303


async def test_staff_secrets_have_160_bits(make_staff):
    operator = await make_staff("op@ops.test", role="operator")
    assert _bits(operator.totp_secret) >= 160


async def test_a_short_or_malformed_stored_secret_gives_the_sign_in_page(operator_client, make_staff, portal, caplog):
    for number, secret in enumerate(("PORTIQUEDEMOTOTP", "not base32 at all!", "A")):
        operator = await make_staff(f"op{number}@ops.test", role="operator")  # 4 failures each: under the lockout
        async with portal.database.session() as db:
            (await db.get(Staff, operator.id)).totp_secret = secret
            await db.commit()
        for code in ("123456", "", "²²²²²²", "12 34 56"):
            answer = await _post(operator_client, operator.email, STAFF_PASSWORD, code)
            assert answer.status_code == 400, (secret, code, answer.text[:300])
            assert WRONG in answer.text
    assert "unusable" in caplog.text


async def test_every_second_factor_failure_answers_like_a_wrong_password(operator_client, make_staff, portal):
    operator = await make_staff("op@ops.test", role="operator")
    wrong_password = await _post(operator_client, operator.email, "not the password", "123456")
    wrong_code = await _post(operator_client, operator.email, STAFF_PASSWORD, "123456")
    assert wrong_password.status_code == wrong_code.status_code == 400
    assert _shape(wrong_password.text) == _shape(wrong_code.text)
    missing_code = await _post(operator_client, operator.email, STAFF_PASSWORD, "")
    wrong_password_no_code = await _post(operator_client, operator.email, "not the password", "")
    assert missing_code.status_code == wrong_password_no_code.status_code == 400
    assert _shape(missing_code.text) == _shape(wrong_password_no_code.text)
    async with portal.database.session() as db:
        (await db.get(Staff, operator.id)).totp_secret = "PORTIQUEDEMOTOTP"
        await db.commit()
    short_secret = await _post(operator_client, operator.email, STAFF_PASSWORD, "123456")
    assert short_secret.status_code == 400
    assert _shape(short_secret.text) == _shape(wrong_password.text)
    unknown = await _post(operator_client, "nobody@ops.test", STAFF_PASSWORD, "123456")
    assert unknown.status_code == 400
    assert _shape(unknown.text) == _shape(wrong_password.text).replace(operator.email, "nobody@ops.test")
