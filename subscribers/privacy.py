"""Personal data (phones, e-mail, flat) shown only to roles with the right to see it; the rest
see it masked. Revealing it on a card is an audited action (core.audit)."""

PERMISSION = "subscribers.view_personal_data"


def may_see(user) -> bool:
    return user.has_perm(PERMISSION)


def mask_phone(phone: str) -> str:
    """+79123456789 → +7 912 ***-**-89"""
    if not phone:
        return ""
    if len(phone) == 12 and phone.startswith("+7"):
        return f"+7 {phone[2:5]} ***-**-{phone[-2:]}"
    return phone[:3] + "*" * max(len(phone) - 5, 0) + phone[-2:]


def mask_email(email: str) -> str:
    if not email or "@" not in email:
        return email and "***"
    name, domain = email.split("@", 1)
    return f"{name[:1]}***@{domain}"


def mask_flat(flat: str) -> str:
    return "**" if flat else ""


MASKS = {"phone": mask_phone, "phone2": mask_phone, "email": mask_email, "flat": mask_flat}


def personal_data(values: dict, *, shown: bool) -> dict:
    """The personal fields of `values` (phone, phone2, email, flat), masked unless shown."""
    return {key: value if shown else MASKS[key](value) for key, value in values.items()}
