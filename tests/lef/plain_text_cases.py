"""Texts that free-text inputs must refuse or accept, shared by every app's tests."""

SINGLE_LINE_MESSAGE = "Use letters, digits and punctuation only, without control characters."
MULTI_LINE_MESSAGE = (
    "Use letters, digits, punctuation and line breaks only, without control characters."
)

# A name or sentence a member really types: accents, a diaeresis and emoji.
DUTCH = "Café De Zwaan: één overleg met Anaïs en Loïs \U0001f389\U0001f6b2"
DUTCH_LINES = "Eerste regel van Anaïs \U0001f389\r\nTweede régel\nDerde"

# Refused everywhere: a right-to-left override, an escape, other direction marks.
REFUSED_EVERYWHERE = [
    "Overleg \u202eteam",
    "Overleg \x1bteam",
    "Overleg \u200fteam",
    "Overleg \u061cteam",
    "Overleg \u2066team\u2069",
    "Overleg \x85team",  # C1 control (next line)
]
# Refused on one line only: line breaks.
LINE_BREAKS = ["Overleg\r\nteam", "Overleg\nteam", "Overleg\rteam"]
# Refused in multi-line text too: a bare CR and a tab are not line breaks.
NOT_LINE_BREAKS = ["Overleg\rteam", "Overleg\tteam"]

SINGLE_LINE_REFUSED = REFUSED_EVERYWHERE + LINE_BREAKS
MULTI_LINE_REFUSED = REFUSED_EVERYWHERE + NOT_LINE_BREAKS
