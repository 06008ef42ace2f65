"""Text that came from submissions (ids, file names) made safe for where instructors read it.

    printable("\x1b[2Jalice")      -> "\\x1b[2Jalice"     (a terminal shows it, does not obey it)
    spreadsheet_cell("=HYPERLINK(...)") -> "'=HYPERLINK(...)"  (a spreadsheet shows it, does not run it)

A learner chooses their file names, so an id may hold terminal escape sequences, newlines,
bidirectional overrides, bytes that are not UTF-8, or a spreadsheet formula.
"""
import re

# C0 and C1 controls, DEL, and the invisible format characters that reorder or hide text
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
# what spreadsheets (Excel, LibreOffice, Google Sheets) read as the start of a formula
FORMULA_STARTS = ("=", "+", "-", "@")


def printable(text):
    """`text` with control and format characters, and unpaired surrogates, as backslash escapes."""
    text = str(text).encode("utf-8", "backslashreplace").decode("utf-8")
    return _UNSAFE.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), text)


def spreadsheet_cell(value):
    """A CSV cell that a spreadsheet shows as the text it is: printable, and a formula start behind a quote.

    Numbers pass unchanged; every string is made printable, then prefixed with ' when it starts like a formula.
    """
    if not isinstance(value, str):
        return value
    text = printable(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
