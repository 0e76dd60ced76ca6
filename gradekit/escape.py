"""Showing text that students chose (ids, file names, statuses) safely.

Anything a student names can hold bytes a terminal obeys (ESC sequences
that clear the screen or rewrite a line, a carriage return, Unicode bidi
overrides that reorder what is shown) or text a spreadsheet runs (a cell
starting with ``=``). ``for_terminal`` is used on every such value the
grading command prints; ``for_spreadsheet`` on every text cell of
grades.csv (which is written with every field quoted).
"""

import re

# C0 controls, DEL, C1 controls, the bidi marks, embeddings, overrides and
# isolates, the line/paragraph separators, and lone surrogates (the
# undecodable bytes of a name read with surrogateescape)
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")
_UNSAFE_KEEPING_NEWLINES = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _shown(match):
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that is not UTF-8, kept by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def for_terminal(text, newlines=False):
    """``text`` (any value, str()'d) with every control character shown as
    an escape (``\\x1b``, ``\\u202e``, ``\\xff`` for a byte that is not
    UTF-8), so that printing it can only print it. Idempotent: the escapes
    are plain text. With ``newlines``, line breaks are kept."""
    pattern = _UNSAFE_KEEPING_NEWLINES if newlines else _UNSAFE
    return pattern.sub(_shown, str(text))


def quoted(name, limit=120):
    """A file name or id for a message: in quotes, escaped as for_terminal,
    cut to ``limit`` characters (with "...")."""
    text = for_terminal(name)
    return f"'{text[:limit]}...'" if len(text) > limit else f"'{text}'"


def _is_number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def for_spreadsheet(value, numeric=False):
    """One CSV cell: a text that starts with ``=``, ``+``, ``-``, ``@``, a tab
    or a carriage return gets a leading ``'`` so that no spreadsheet takes
    it for a formula. With ``numeric`` (a score column), a value that is a
    number is left as it is (``-0.5`` stays a number)."""
    text = "" if value is None else str(value)
    if numeric and _is_number(text):
        return text
    return "'" + text if text.startswith(FORMULA_STARTS) else text
