"""Numbers and amounts as they are read aloud in Chinese, for the village loudspeakers (村村响): the broadcast
script must be plain speech, so "12,345.60元" becomes "一万二千三百四十五元六角" and "2026年3月" keeps its digits
read one by one for years ("二零二六年") and as a number for months and days ("三月")."""

from __future__ import annotations

import re

DIGITS = "零一二三四五六七八九"
SMALL_UNITS = ("", "十", "百", "千")
BIG_UNITS = ("", "万", "亿", "万亿")


def _below_10000(n: int) -> str:
    out = ""
    zero = False
    for position in range(3, -1, -1):
        digit = n // 10**position % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += DIGITS[digit] + SMALL_UNITS[position]
    return out


def integer(n: int) -> str:
    """An integer read aloud: 0 → 零, 10 → 十, 15 → 十五, 105 → 一百零五, 10010 → 一万零一十, 12345 → 一万二千三百四十五."""
    if n < 0:
        return "负" + integer(-n)
    if n == 0:
        return "零"
    groups = []
    while n:
        groups.append(n % 10000)
        n //= 10000
    if len(groups) > len(BIG_UNITS):
        return "".join(DIGITS[int(d)] for d in str(n))
    out = ""
    need_zero = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            need_zero = bool(out)
            continue
        if out and (need_zero or group < 1000):
            out += "零"
        out += _below_10000(group) + BIG_UNITS[index]
        need_zero = False
    # 十 alone at the start is read without 一 (十五, not 一十五); inside a number it keeps it (一百一十).
    return out[1:] if out.startswith("一十") else out


def amount_fen(fen: int) -> str:
    """An amount in fen read aloud: 1234560 → 一万二千三百四十五元六角; 5 → 五分; 100 → 一元; 1005 → 十元零五分."""
    if fen < 0:
        return "负" + amount_fen(-fen)
    yuan, jiao, cents = fen // 100, fen // 10 % 10, fen % 10
    out = integer(yuan) + "元" if yuan or not (jiao or cents) else ""
    if jiao:
        out += DIGITS[jiao] + "角"
    elif cents and yuan:
        out += "零"
    if cents:
        out += DIGITS[cents] + "分"
    return out


def year(n: int) -> str:
    return "".join(DIGITS[int(d)] for d in str(n))


_AMOUNT = re.compile(r"(\d[\d,]*)(?:\.(\d{1,2}))?\s*元")
_DATE = re.compile(r"(\d{4})年")
_DECIMAL = re.compile(r"(\d[\d,]*)\.(\d+)")
_NUMBER = re.compile(r"\d[\d,]*")


def speak(text: str) -> str:
    """`text` with every amount, year, decimal and number written as it is read aloud; the rest unchanged."""

    def money(m: re.Match[str]) -> str:
        yuan = int(m.group(1).replace(",", ""))
        decimals = (m.group(2) or "").ljust(2, "0")
        return amount_fen(yuan * 100 + int(decimals))

    text = _AMOUNT.sub(money, text)
    text = _DATE.sub(lambda m: year(int(m.group(1))) + "年", text)
    text = _DECIMAL.sub(
        lambda m: integer(int(m.group(1).replace(",", ""))) + "点" + "".join(DIGITS[int(d)] for d in m.group(2)),
        text,
    )
    return _NUMBER.sub(lambda m: integer(int(m.group(0).replace(",", ""))), text)
