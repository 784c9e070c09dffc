"""The words callers use for docket parts, and how recognisers tend to write them.

Each spoken word maps to its readings, best first: a word that could be a letter or a digit
("oh") has both, and the docket layout decides which one it is. An empty reading means the word
may also be a filler ("for" in "docket for 4012199").
"""

from __future__ import annotations

from core.codes import CONNECTICUT_COURTS

UNITS = {
    "zero": "0", "oh": "0", "o": "0", "nought": "0", "one": "1", "won": "1", "two": "2",
    "to": "2", "too": "2", "three": "3", "tree": "3", "free": "3", "four": "4", "for": "4",
    "fore": "4", "five": "5", "six": "6", "seven": "7", "eight": "8", "ate": "8", "nine": "9",
}
TEENS = {
    "ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14",
    "fifteen": "15", "sixteen": "16", "seventeen": "17", "eighteen": "18", "nineteen": "19",
}
TENS = {
    "twenty": "2", "thirty": "3", "forty": "4", "fourty": "4", "fifty": "5", "sixty": "6",
    "seventy": "7", "eighty": "8", "ninety": "9",
}
REPEATS = {"double": 2, "triple": 3}

# Letters as people spell them on the phone (NATO words) and as recognisers write letter names.
LETTERS = {
    "alpha": "A", "alfa": "A", "bravo": "B", "charlie": "C", "delta": "D", "echo": "E",
    "foxtrot": "F", "golf": "G", "hotel": "H", "india": "I", "juliet": "J", "juliett": "J",
    "kilo": "K", "lima": "L", "mike": "M", "november": "N", "oscar": "O", "papa": "P",
    "quebec": "Q", "romeo": "R", "sierra": "S", "tango": "T", "uniform": "U", "victor": "V",
    "whiskey": "W", "whisky": "W", "xray": "X", "yankee": "Y", "zulu": "Z",
    "ay": "A", "bee": "B", "be": "B", "cee": "C", "see": "C", "sea": "C", "dee": "D",
    "ef": "F", "eff": "F", "gee": "G", "aitch": "H", "age": "H", "ache": "H", "eye": "I",
    "jay": "J", "kay": "K", "el": "L", "ell": "L", "em": "M", "en": "N", "pee": "P", "pea": "P",
    "cue": "Q", "queue": "Q", "are": "R", "ar": "R", "es": "S", "ess": "S", "tee": "T",
    "tea": "T", "you": "U", "vee": "V", "ex": "X", "why": "Y", "zee": "Z", "zed": "Z",
}
# Words that are a letter only as a second choice ("if a" is how recognisers hear "F A").
LETTER_GARBLES = {
    "if": "F", "each": "H", "hey": "A", "eh": "A", "yes": "S", "as": "S", "is": "S",
    "and": "N", "in": "N", "i": "I", "a": "A",
}
FILLERS = frozenset({
    "docket", "number", "numbers", "the", "uh", "um", "er", "ah", "dash", "hyphen", "it's",
    "its", "it", "is", "that's", "case", "court", "and", "a", "for", "to", "in", "okay", "ok",
    "so", "let's", "see", "um-hum", "yeah", "of", "on", "please", "space", "suffix", "year",
    "location", "type", "hm", "hmm", "well", "that", "was", "at",
})

CASE_TYPE_WORDS = {"family": "FA", "civil": "CV", "support": "FS"}

# Court names as callers say them, most specific first (e.g. "new london" before "london").
_EXTRA_NAMES = {
    "hartford": "HHD", "hart ford": "HHD", "heart ford": "HHD", "new britain": "HHB",
    "new london": "KNL", "norwich": "KNO", "new haven": "NNH", "new heaven": "NNH",
    "middlesex": "MMX", "middletown": "MMX", "fairfield": "FBT", "bridgeport": "FBT",
    "stamford": "FST", "stanford": "FST", "norwalk": "FST", "danbury": "DBD", "windham": "WWM",
    "putnam": "WWM", "tolland": "TTD", "rockville": "TTD", "litchfield": "LLI",
    "torrington": "LLI", "waterbury": "UWY", "ansonia": "AAN", "milford": "AAN",
    "meriden": "NNI",
}
COURT_CODES = frozenset(code for code, _ in CONNECTICUT_COURTS)
COURT_NAMES = dict(sorted(_EXTRA_NAMES.items(), key=lambda item: -len(item[0].split())))

YES_WORDS = frozenset({"yes", "yeah", "yep", "yup", "correct", "right", "confirm", "affirmative",
                       "sure", "okay", "ok", "true"})
NO_WORDS = frozenset({"no", "nope", "wrong", "incorrect", "negative", "not", "isn't", "nah",
                      "false"})
