"""Numbers however they are written, folded to the tokens the index holds.

The index holds numbers as digits (``10.6``, ``166.67``, ``2024``) in the
text columns and, in the ``num`` column, each figure's value and its value in
a base unit (``1060000000 cny``, ``32.5 percent``, ``3 km2``): see
``figure_tokens``. A query may write a number in Chinese numerals
(三十二点五, 十点六亿, 百分之三十二点五, 二〇二四), in English words
("thirty-two point five", "three"), or in digits with a magnitude ("1.06
billion", "1.06bn", "10.6亿"); ``Number`` is what such a number is, and its
``text_forms`` the ways the text may write it (10.6亿 ↔ 1.06 billion).

Pure functions on strings: no database, nothing heavy to import (not even
``decimal``, whose import alone costs a search 20 ms: a number here is an
integer and a power of ten, ``Decimal`` below).
"""

from __future__ import annotations

#: Chinese numerals, one character each.
ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
             "八": 8, "九": 9}
ZH_UNITS = {"十": 10, "百": 100, "千": 1000}
ZH_MAGNITUDES = {"万": 4, "亿": 8}  # powers of ten
ZH_NUMERALS = frozenset(ZH_DIGITS) | frozenset(ZH_UNITS) | frozenset(ZH_MAGNITUDES) | {"点"}

EN_ONES = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
           "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
           "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
EN_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
           "ninety": 90}
EN_SCALES = {"hundred": 100, "thousand": 10 ** 3, "million": 10 ** 6, "billion": 10 ** 9, "trillion": 10 ** 12}
#: Magnitudes written after a number ("1.06 billion", "1.06bn", "3m").
EN_MAGNITUDES = {"thousand": 3, "k": 3, "million": 6, "mn": 6, "mln": 6, "m": 6, "billion": 9, "bn": 9,
                 "bln": 9, "trillion": 12}  # powers of ten
EN_NUMBER_WORDS = frozenset(EN_ONES) | frozenset(EN_TENS) | frozenset(EN_SCALES) | {"point"}
EN_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth", 7: "seventh",
               8: "eighth", 9: "ninth", 10: "tenth"}


class Decimal:
    """An exact decimal number: ``digits`` × 10 ** ``exponent``. Only what
    numbers in queries need: parsing, scaling by powers of ten, comparing,
    and writing without exponent or trailing zeros."""

    __slots__ = ("digits", "exponent")

    def __init__(self, digits: int, exponent: int = 0):
        while digits and digits % 10 == 0:
            digits //= 10
            exponent += 1
        self.digits = digits
        self.exponent = exponent if digits else 0

    @classmethod
    def of(cls, text: str) -> "Decimal | None":
        """'32.50' → 32.5, '1.06e+9' → 1060000000; None for anything else."""
        text = text.strip().lower()
        mantissa, _e, power = text.partition("e")
        whole, point, fraction = mantissa.partition(".")
        sign = -1 if whole.startswith("-") else 1
        whole = whole.lstrip("+-")
        if not (whole or fraction) or not (whole + fraction).isdigit() or not (whole + fraction).isascii():
            return None
        try:
            shift = int(power) if _e else 0
        except ValueError:
            return None
        return cls(sign * int(whole + fraction or "0"), shift - len(fraction))

    def scaled(self, power: int) -> "Decimal":
        """This number × 10 ** power."""
        return Decimal(self.digits, self.exponent + power)

    def __str__(self) -> str:
        sign = "-" if self.digits < 0 else ""
        digits = str(abs(self.digits))
        if self.exponent >= 0:
            return sign + digits + "0" * self.exponent
        digits = digits.rjust(-self.exponent + 1, "0")
        return f"{sign}{digits[:self.exponent]}.{digits[self.exponent:]}"

    def __repr__(self) -> str:
        return str(self)

    def __eq__(self, other) -> bool:
        return isinstance(other, Decimal) and (self.digits, self.exponent) == (other.digits, other.exponent)

    def __hash__(self) -> int:
        return hash((self.digits, self.exponent))

    def ge_power(self, power: int) -> bool:
        """Whether this number is at least 10 ** power."""
        return self.digits > 0 and len(str(self.digits)) + self.exponent - 1 >= power

    @property
    def integer(self) -> int | None:
        return self.digits * 10 ** self.exponent if self.exponent >= 0 else None


def canonical(value) -> str:
    """A number as the index writes it: no exponent, no trailing zeros
    (32.50 → 32.5, 1.06e9 → 1060000000, 3.0 → 3)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, int):
        return str(value)
    text = repr(value) if isinstance(value, float) else str(value)
    if "e" not in text and "E" not in text and "." in text:
        text = text.rstrip("0").rstrip(".")  # most figures: 10.6, 3.0
        return text if text not in ("", "-", "-0") else "0"
    number = Decimal.of(text)
    return str(number) if number is not None else text


def decimal(text: str) -> Decimal | None:
    return Decimal.of(text)


class Number:
    """A number the query names: its value as typed (``value``, 10.6 of
    十点六亿), the magnitude written after it (亿, billion), and ``base``,
    the whole value (1060000000)."""

    __slots__ = ("value", "magnitude", "base", "written")

    def __init__(self, value: Decimal, magnitude: str = "", power: int = 0, written: str = ""):
        self.value = value
        self.magnitude = magnitude
        self.base = value.scaled(power)
        self.written = written  # the query's own text of it

    def __repr__(self) -> str:
        return f"Number({canonical(self.value)}{self.magnitude}, base={canonical(self.base)})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Number) and (self.value, self.magnitude, self.base) == \
            (other.value, other.magnitude, other.base)

    def __hash__(self) -> int:
        return hash((self.value, self.magnitude, self.base))

    @property
    def integer(self) -> int | None:
        return self.base.integer

    def text_forms(self) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
        """(Chinese, English) token sequences a text may write this number
        as: 10.6亿 and 1.06 billion are one number."""
        base = self.base
        zh: list[tuple[str, ...]] = []
        en: list[tuple[str, ...]] = []
        if not self.magnitude:
            zh.append((canonical(base),))
            en.append((canonical(base),))
        # The largest magnitude that applies, as a writer would use it.
        for unit, power in (("亿", 8), ("万", 4)):
            if base.ge_power(power):
                zh.append((str(base.scaled(-power)), unit))
                break
        for word, power in (("trillion", 12), ("billion", 9), ("million", 6)):
            if base.ge_power(power):
                en.append((str(base.scaled(-power)), word))
                break
        return list(dict.fromkeys(zh)), list(dict.fromkeys(en))

    def word_forms(self) -> tuple[list[str], list[tuple[str, ...]]]:
        """(Chinese, English) words for a small whole number: 6 → 六, six;
        32 → 三十二, thirty two. One is left out in Chinese: 一 is in too
        many words (一体, 统一)."""
        whole = self.integer
        if whole is None or not 0 <= whole < 100 or self.magnitude:
            return [], []
        return ([zh_numeral(whole)] if whole >= 2 else []), [tuple(en_words(whole).split())]


def zh_numeral(whole: int) -> str:
    """0–99 in Chinese numerals: 6 → 六, 32 → 三十二, 10 → 十."""
    digits = "零一二三四五六七八九"
    if whole < 10:
        return digits[whole]
    tens, ones = divmod(whole, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def en_words(whole: int) -> str:
    """0–99 in English words: 6 → six, 32 → thirty two (the two words of
    thirty-two as the index holds them)."""
    for word, value in EN_ONES.items():
        if value == whole:
            return word
    tens = whole - whole % 10
    for word, value in EN_TENS.items():
        if value == tens:
            return word if whole == tens else f"{word} {en_words(whole % 10)}"
    return str(whole)


def parse_zh(text: str) -> Number | None:
    """Chinese numerals → a Number: 三十二点五 → 32.5, 十点六亿 → 10.6 亿,
    一百六十六点六七 → 166.67, 二〇二四 → 2024, 三千万 → 3000 万. None when
    ``text`` is not one number (点 alone, 万万)."""
    if not text or any(c not in ZH_NUMERALS for c in text):
        return None
    magnitude = ""
    body = text
    if len(body) > 1 and body[-1] in ZH_MAGNITUDES and (("点" in body) or body[-2] not in ZH_MAGNITUDES) \
            and not any(ZH_MAGNITUDES.get(c, 0) > ZH_MAGNITUDES[body[-1]] for c in body[:-1]):
        # 三千万 is 3000 万; but in 一亿二千万 the 万 belongs to 二千, not to the whole
        magnitude, body = body[-1], body[:-1]
    whole_part, point, fraction = body.partition("点")
    if point and (not fraction or any(c not in ZH_DIGITS for c in fraction)):
        return None
    whole = _zh_integer(whole_part)
    if whole is None:
        return None
    value = Decimal(whole)
    if fraction:
        value = Decimal.of(f"{whole}." + "".join(str(ZH_DIGITS[c]) for c in fraction))
    return Number(value, magnitude, ZH_MAGNITUDES.get(magnitude, 0), text)


def _zh_integer(text: str) -> int | None:
    if not text:
        return None
    if all(c in ZH_DIGITS for c in text):
        # 二〇二四 is read digit by digit; 五 alone is five.
        return int("".join(str(ZH_DIGITS[c]) for c in text))
    total = section = 0
    digit: int | None = None
    previous_unit = 10 ** 13
    for char in text:
        if char in ZH_DIGITS:
            if digit is not None and ZH_DIGITS[char] != 0:
                return None  # two digits in a row inside a numeral with units
            digit = ZH_DIGITS[char] if ZH_DIGITS[char] != 0 else None
        elif char in ZH_UNITS:
            unit = ZH_UNITS[char]
            if unit >= previous_unit:
                return None
            section += (1 if digit is None else digit) * unit
            digit = None
            previous_unit = unit
        elif char in ZH_MAGNITUDES:
            section += digit or 0
            if section == 0:
                return None
            total += section * 10 ** ZH_MAGNITUDES[char]
            section, digit, previous_unit = 0, None, 10 ** 13
        else:
            return None
    return total + section + (digit or 0)


def parse_en(words: list[str]) -> Number | None:
    """English number words → a Number: [thirty, two, point, five] → 32.5,
    [one, hundred, sixty, six] → 166, [three] → 3. None when the words are
    not one number."""
    if (not words or any(w not in EN_NUMBER_WORDS and w != "and" for w in words)
            or not (words[0] in EN_ONES or words[0] in EN_TENS)):
        return None  # a scale alone (million) is a word, not a number
    whole_words, fraction_words = words, []
    if "point" in words:
        at = words.index("point")
        whole_words, fraction_words = words[:at], words[at + 1:]
        if not fraction_words or any(EN_ONES.get(w, 10) > 9 for w in fraction_words):
            return None
    total = current = 0
    seen = False
    last = None  # since the last scale word: "tens", "ones" or nothing yet
    for word in whole_words:  # "and" (one hundred and six) matches no branch: it adds nothing
        if word in EN_TENS:
            if last is not None:  # twenty thirty: two numbers, not fifty
                return None
            current += EN_TENS[word]
            last = "tens"
            seen = True
        elif word in EN_ONES:
            if last == "ones" or (last == "tens" and EN_ONES[word] > 9):  # five six, twenty twelve
                return None
            current += EN_ONES[word]
            last = "ones"
            seen = True
        elif word in EN_SCALES:
            last = None
            scale = EN_SCALES[word]
            current = (current or 1) * scale if scale == 100 else current
            if scale > 100:
                total += (current or 1) * scale
                current = 0
            seen = True
    if not seen and whole_words:
        return None
    whole = total + current
    value = Decimal(whole)
    if fraction_words:
        value = Decimal.of(f"{whole}." + "".join(str(EN_ONES[w]) for w in fraction_words))
    return Number(value, "", 0, " ".join(words))


#: Units written right after a number (3km2, 32.5pct, 1.06bln).
EN_UNITS = frozenset({"km2", "km", "sqkm", "pct", "percent", "yuan", "rmb", "cny"})
#: Ordinal endings: 1st, 2nd, 3rd, 4th.
ORDINAL_ENDINGS = {1: "st", 2: "nd", 3: "rd"}
#: Written right before a number: a currency (rmb1.06) or "number" (no1).
EN_BEFORE = frozenset({"rmb", "cny", "no", "nr"})


def split_magnitude(token: str) -> tuple[str, str] | None:
    """A number and what is written right after it: '1.06bn' → ('1.06',
    'bn'); '3km2' → ('3', 'km2'); '1st' → ('1', 'st'). None for tokens that
    are no such thing (5g, 2024q1, 1950s, 3d)."""
    at = 0
    while at < len(token) and (token[at].isdigit() or token[at] == "."):
        at += 1
    digits, suffix = token[:at], token[at:]
    if not digits or not suffix or decimal(digits) is None:
        return None
    if suffix in EN_MAGNITUDES or suffix in EN_UNITS:
        return digits, suffix
    if digits.isdigit() and suffix == ordinal_ending(int(digits)):
        return digits, suffix
    return None


def ordinal_ending(whole: int) -> str:
    if 11 <= whole % 100 <= 13:  # 11th, 12th, 13th, 111th; but 21st, 22nd, 23rd
        return "th"
    return ORDINAL_ENDINGS.get(whole % 10, "th")


def split_before(token: str) -> tuple[str, str] | None:
    """'rmb1.06' → ('rmb', '1.06'); 'rmb1.06bn' → ('rmb', '1.06bn');
    'no1' → ('no', '1'); None otherwise (q1 is a quarter, 5g a generation)."""
    at = 0
    while at < len(token) and token[at].isalpha():
        at += 1
    letters, digits = token[:at], token[at:]
    if letters in EN_BEFORE and digits[:1].isdigit() and (decimal(digits) is not None or split_magnitude(digits)):
        return letters, digits
    return None


def with_magnitude(digits: str, magnitude: str) -> Number | None:
    """A number in digits followed by a magnitude: ('1.06', 'billion'),
    ('10.6', '亿'). ``magnitude`` may be English or Chinese."""
    value = decimal(digits)
    if value is None:
        return None
    power = EN_MAGNITUDES.get(magnitude) or ZH_MAGNITUDES.get(magnitude)
    if not power:
        return None
    return Number(value, magnitude, power, f"{digits} {magnitude}")


def plain(digits: str) -> Number | None:
    value = decimal(digits)
    return Number(value, "", 0, digits) if value is not None else None


# -- the index side ------------------------------------------------------------------

#: A figure's base unit as a token of the ``num`` column (folded as English
#: words are; a count needs none: the number says it).
def unit_token(unit_base: str | None) -> str:
    if not unit_base or unit_base == "count":
        return ""
    return "".join(c for c in unit_base.lower() if c.isalnum())


def figure_tokens(figure: dict) -> list[str]:
    """The ``num`` tokens of one figure: its written value(s), then its base
    value(s) and base unit. 10.6 亿元 → ['10.6', '1060000000', 'cny'];
    32.5% → ['32.5', '32.5', 'percent'] (the repeat is left out)."""
    tokens: list[str] = []
    for key in ("value", "value_end"):
        if isinstance(figure.get(key), (int, float)) and not isinstance(figure.get(key), bool):
            tokens.append(canonical(figure[key]))
    for part in figure.get("components") or ():
        if isinstance(part, (int, float)) and not isinstance(part, bool):
            tokens.append(canonical(part))
    unit = unit_token(figure.get("unit_base"))
    for key in ("value_base", "value_base_end"):
        if isinstance(figure.get(key), (int, float)) and not isinstance(figure.get(key), bool):
            tokens.append(canonical(figure[key]))
            if unit:
                tokens.append(unit)
    return list(dict.fromkeys(tokens))


def period_tokens(period: str | None) -> list[str]:
    """'2024-Q1' → ['2024', 'q1']; '1950s/1990s' → ['1950s', '1990s']."""
    if not period:
        return []
    tokens: list[str] = []
    for atom in period.lower().split("/"):
        tokens += [part for part in atom.replace("-", " ").split() if part.isalnum()]
    return tokens
