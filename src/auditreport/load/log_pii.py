"""Personal data in log messages: the one place its kinds are recognised, validated and masked.

Found at load time, not in SQL: the Luhn test and the IBAN mod-97 test are loops over digits that SQL states poorly,
and the masked excerpt is made where the match is found, so no table or finding ever holds the value itself. The
policy's own patterns (policy.pii_patterns) are known only when the checks run and are matched there.
"""

from __future__ import annotations

import re

EMAIL = re.compile(r"(?<![\w.%+-])([A-Za-z0-9._%+-]+)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*)\.([A-Za-z]{2,24})(?![\w-])")
# 13-19 digits, optionally in groups separated by one space or dash
CARD = re.compile(r"(?<![\w-])\d(?:[ -]?\d){12,18}(?![\w-])")
# country code, check digits, then 11-30 letters or digits, optionally in groups of four separated by spaces
IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}(?![A-Za-z0-9])")
# international format only (a leading +): bare digit runs in logs are counts, ids and latencies far more often
PHONE = re.compile(r"(?<![\w+])\+\d{1,3}(?:[ .-]?\(?\d{1,4}\)?){2,6}(?![\w])")


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def iban_ok(iban: str) -> bool:
    """ISO 13616: the first four characters moved to the end, letters as 10-35, the number mod 97 is 1."""
    if not 15 <= len(iban) <= 34:
        return False
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def mask_email(m: re.Match) -> str:
    """An email as `a***@e***.com`: the first letter of the name and of the domain, and the top-level domain."""
    return f"{m.group(1)[0]}***@{m.group(2)[0]}***.{m.group(3)}"


def find(message: str) -> list[tuple[str, str, int]]:
    """(kind, masked excerpt, offset) of each piece of personal data in ``message``, in order of offset. A span is
    claimed once: an IBAN's digits are not also a card number, a card's not a phone number."""
    found: list[tuple[str, str, int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for _, _, s, e in found)

    for m in EMAIL.finditer(message):
        found.append(("email", mask_email(m), m.start(), m.end()))
    for m in IBAN.finditer(message):
        value = m.group(0).replace(" ", "")
        if free(m.start(), m.end()):
            # an IBAN-shaped text claims its span even when it fails mod-97: its digits are no card number
            found.append(("iban" if iban_ok(value) else "", value[:2] + "*" * (len(value) - 6) + value[-4:],
                          m.start(), m.end()))
    for m in CARD.finditer(message):
        digits = re.sub(r"[ -]", "", m.group(0))
        if free(m.start(), m.end()) and 13 <= len(digits) <= 19 and luhn_ok(digits):
            found.append(("card", "*" * (len(digits) - 4) + digits[-4:], m.start(), m.end()))
    for m in PHONE.finditer(message):
        digits = re.sub(r"\D", "", m.group(0))
        if free(m.start(), m.end()) and 8 <= len(digits) <= 15:
            found.append(("phone", "+" + "*" * (len(digits) - 2) + digits[-2:], m.start(), m.end()))
    return [(k, masked, s) for k, masked, s, _ in sorted(found, key=lambda f: f[2]) if k]
