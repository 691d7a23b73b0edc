"""Per-tenant settings of the Lumen plugin (validated when a tenant is saved)."""

from __future__ import annotations

from pydantic import BaseModel

NAME = "lumen_ecommerce"


class LumenSettings(BaseModel):
    """What an operator may change per tenant.

    :param auto_provision: provision a "create" request at once when the customer number is active and
        has no e-commerce account yet (otherwise every request waits in the console's approvals queue).
    :param typed_signature: accept a typed full name as signature when JavaScript is off.
    """

    auto_provision: bool = False
    typed_signature: bool = False
