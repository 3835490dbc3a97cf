"""Masking of personal data for roles that do not need it (DESIGN §4), and of free text that
anyone may read (DESIGN §5 v1.1)."""

import re


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


# Free text (a complaint, a progress note, a place) that anyone may read without signing in is
# masked before it leaves the server (DESIGN §5 v1.1): the writer may have named a neighbour and
# given their phone number. Full-width digits count as digits: Chinese input methods type them.
_DIGIT = "[0-9０-９]"
_ID_NUMBER = re.compile(
    rf"(?<![0-9０-９A-Za-z])[1-9１-９]{_DIGIT}{{5}}(?:1[89]|20|１[８９]|２０){_DIGIT}{{2}}"
    rf"(?:[0０][1-9１-９]|[1１][0-2０-２])(?:[0０][1-9１-９]|[12１２]{_DIGIT}|[3３][01０１]){_DIGIT}{{3}}"
    rf"[0-9０-９XxＸｘ](?![0-9０-９A-Za-z])")
_SEPARATOR = r"[\s\-－]?"
_MOBILE = re.compile(
    rf"(?<!{_DIGIT})(?:(?:\+|＋)?(?:86|８６){_SEPARATOR})?[1１][3-9３-９]{_DIGIT}{_SEPARATOR}{_DIGIT}{{4}}"
    rf"{_SEPARATOR}{_DIGIT}{{4}}(?!{_DIGIT})")
# A landline with its area code (010-88886666, (0571)87654321), or a local number of 7 or 8 digits.
_LANDLINE = re.compile(
    rf"(?<!{_DIGIT})(?:[(（]?[0０]{_DIGIT}{{2,3}}[)）]?{_SEPARATOR}{_DIGIT}{{7,8}}|[2-9２-９]{_DIGIT}{{6,7}})(?!{_DIGIT})")


def _mask_local_number(number: str) -> str:
    return "*" * (len(number) - 4) + number[-4:]


def mask_name(name: str) -> str:
    return name[:1] + "*" * (len(name) - 1)


def _mask_names(text: str, names) -> str:
    """Each known name in `text` (longest first where they overlap) as 张**. A scan of the text
    against a set: a community has thousands of names, too many for one regular expression."""
    wanted = {name for name in names if name and len(name) >= 2}
    if not wanted:
        return text
    lengths = sorted({len(name) for name in wanted}, reverse=True)
    out, i = [], 0
    while i < len(text):
        for length in lengths:
            if text[i:i + length] in wanted:
                out.append(mask_name(text[i:i + length]))
                i += length
                break
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def mask_text(text: str, *, names=()) -> str:
    """`text` with ID numbers, mobile and landline numbers and the given personal `names` masked
    (1101**********002X, 139****5678, 010*****6666, 张**)."""
    if not text:
        return text or ""
    text = _ID_NUMBER.sub(lambda m: mask_id_number(m.group()), text)
    text = _MOBILE.sub(lambda m: mask_phone(m.group()), text)
    text = _LANDLINE.sub(lambda m: (mask_phone(m.group()) if len(m.group()) > 8
                                    else _mask_local_number(m.group())), text)
    return _mask_names(text, names)
