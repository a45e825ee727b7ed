"""What the box remembers of a citizen it has served: the name and mobile
given at their last intake, so the counter need not type them again."""

from __future__ import annotations

from edge import nationalcode


def last_details(store, national_code: str) -> dict | None:
    """{"full_name", "mobile"} from the newest intake with this national code,
    or None. A confidential intake never answers: its details are sealed, and
    a national code must not tell who asked for a confidential service.
    Raises InvalidInput for a malformed national code."""
    code = nationalcode.validate(national_code)
    intake, service = store.models.Intake, store.models.Service
    newest = (intake.select(intake.full_name, intake.mobile).join(service)
              .where((intake.national_code == code) & (service.confidential == False))  # noqa: E712
              .order_by(intake.id.desc()).first())
    if newest is None:
        return None
    return {"full_name": newest.full_name, "mobile": newest.mobile}
