"""Customer-care paths of the FAQ as ticket categories, open to signed-out visitors.

Each category collects what customer care needs for the operator action that solves it:
resend the confirmation (no mail, broken link), approve the registration (urgent access),
look the account up (forgotten e-mail or username), change the account's e-mail address (no access
to the mailbox; the customer then uses "Forgot your password?"), or issue a temporary password that
must be changed at the next sign-in (no reset e-mail).
"""

from __future__ import annotations

from core.api import (
    CareAction,
    Ticket,
    TicketCategory,
    TicketField,
    care_change_email,
    care_resend_confirmation,
    care_temporary_password,
    lazy_gettext,
)


def _registration_email() -> TicketField:
    return TicketField(
        "registration_email", lazy_gettext("E-mail address used for the registration"), "email", required=True
    )


def _username_or_email(required: bool = True) -> TicketField:
    return TicketField(
        "username_or_email", lazy_gettext("Your username or the e-mail address of your registration"), required=required
    )


def categories() -> list[TicketCategory]:
    """The customer-care categories of the OMICRON Customer Area."""
    return [
        TicketCategory(
            code="omicron_no_confirmation",
            name=lazy_gettext("I did not receive the confirmation e-mail"),
            help=lazy_gettext(
                "First look in your spam folder. If the e-mail is not there, we will check your registration."
            ),
            fields=(_registration_email(),),
            sla_hours=16,
            anonymous=True,
            order=10,
        ),
        TicketCategory(
            code="omicron_link_broken",
            name=lazy_gettext("The link to confirm my e-mail address does not work"),
            help=lazy_gettext("Attach a screenshot of the error message: we will send you a new link."),
            fields=(_registration_email(),),
            sla_hours=16,
            anonymous=True,
            order=20,
            notice=lazy_gettext("Please attach a screenshot of the error message you see."),
        ),
        TicketCategory(
            code="omicron_not_approved",
            name=lazy_gettext("My registration has not been approved yet / I need urgent access"),
            help=lazy_gettext("Manual approval can take some time. Tell us why you need access urgently."),
            fields=(
                _registration_email(),
                TicketField("serial_number", lazy_gettext("Serial number of your device (format AB123Z)")),
                TicketField("urgency", lazy_gettext("Why do you need access urgently?"), "textarea", required=True),
            ),
            sla_hours=8,
            anonymous=True,
            order=30,
        ),
        TicketCategory(
            code="omicron_forgot_login",
            name=lazy_gettext("I forgot my e-mail address or my username"),
            help=lazy_gettext(
                "Tip: you can sign in with your username or your e-mail address. Otherwise, we will help you."
            ),
            fields=(
                TicketField("full_name", lazy_gettext("Your full name"), required=True),
                TicketField("company", lazy_gettext("Company"), required=True),
                TicketField("serial_number", lazy_gettext("Serial number of your device (format AB123Z)")),
            ),
            sla_hours=16,
            anonymous=True,
            order=40,
        ),
        TicketCategory(
            code="omicron_no_email_access",
            name=lazy_gettext("I no longer have access to the e-mail address of my registration"),
            help=lazy_gettext(
                "We will change the e-mail address of your account; then use “Forgot your password?” to choose a "
                "new password."
            ),
            fields=(
                _username_or_email(),
                TicketField("new_email", lazy_gettext("Your new e-mail address"), "email", required=True),
            ),
            sla_hours=16,
            anonymous=True,
            order=50,
        ),
        TicketCategory(
            code="omicron_no_reset_mail",
            name=lazy_gettext("I did not receive the password reset e-mail"),
            help=lazy_gettext(
                "Read the message shown after you asked for the reset and look in your spam folder. Otherwise, we "
                "will give you a temporary password that you change at your next sign-in."
            ),
            fields=(_username_or_email(),),
            sla_hours=16,
            anonymous=True,
            order=60,
        ),
    ]


def care_actions(ticket: Ticket) -> list[CareAction]:
    """The operator actions that solve each care category (the core adds the reset link and unlocking)."""
    if ticket.category in ("omicron_no_confirmation", "omicron_link_broken"):
        return [care_resend_confirmation()]
    if ticket.category == "omicron_no_email_access":
        return [care_change_email(prefill_from="new_email")]
    if ticket.category == "omicron_no_reset_mail":
        return [care_temporary_password()]
    return []
