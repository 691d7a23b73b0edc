"""Customer-care actions an agent runs from a ticket on the requester's account (``portique_care_actions``)."""
