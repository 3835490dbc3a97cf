"""Masking of personal data for roles that do not need it (DESIGN §4)."""


def mask_phone(phone: str) -> str:
    if not phone:
        return ""
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_id_number(id_number: str) -> str:
    if not id_number:
        return ""
    if len(id_number) <= 8:
        return "*" * len(id_number)
    return id_number[:4] + "*" * (len(id_number) - 8) + id_number[-4:]


def mask_email(email: str) -> str:
    if not email or "@" not in email:
        return "*" * len(email or "")
    name, domain = email.split("@", 1)
    return f"{name[:1]}***@{domain}"
