"""Resident ID numbers (GB 11643): 17 digits and a check digit (0-9 or X)."""

from __future__ import annotations

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"


def check_digit(first17: str) -> str:
    return CHECK[sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True)) % 11]


def valid_id_number(number: str) -> bool:
    return (len(number) == 18 and number[:17].isdigit()
            and number[17] in "0123456789X" and check_digit(number[:17]) == number[17])
