"""The development mailbox (debug mode only): ``/dev/mail`` lists the mail the outbox holds, with working links."""
