"""Confidential services (the note to law article 2): the citizen's personal
fields of such a service's intakes are kept on the box only encrypted, the
intake row holding a mask; whole only for the roles the bundle allows, and
every such view audited."""
