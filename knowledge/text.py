"""Text handling shared by the parser and the matcher: markup removal, normalization, tokens."""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from functools import lru_cache

import snowballstemmer  # type: ignore[import-untyped]

_BREAK_TAG = re.compile(r"<\s*(br|/p|p|/div|div|/li|tr|/tr|h[1-6]|/h[1-6])\b[^>]*>", re.IGNORECASE)
_LIST_TAG = re.compile(r"<\s*li\b[^>]*>", re.IGNORECASE)
_ANY_TAG = re.compile(r"<[^<>]{0,500}>")
_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff"
    r"\u061c\u202a-\u202e\u2066-\u2069]"
)
# Marks, embeddings, overrides and isolates that reorder how text is shown: U+202E made a
# question's "evil" read "live" on HR's page. None is needed to read English policy questions.
_DIRECTION_CONTROLS = re.compile(r"[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_TOKEN = re.compile(r"[a-z0-9]+")
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’)]))\s+(?=[\[(“\"‘']?[A-Z0-9])")

_ASCII_FOLD = str.maketrans(
    {
        "“": '"',
        "”": '"',
        "‘": "'",
        "’": "'",
        "–": "-",
        "—": "-",
        "\u00a0": " ",
    }
)

STOPWORDS = frozenset(
    """
    a about am an and any anything are as at be been being but by can could did do does
    doing done for from get gets getting go going got had has have having he her here hers
    him his how i if im in into is it its ive just let lets may me might mine must my myself
    no not of off ok okay on one onto or our ours out over please really she should so some
    something such than that thats the their them then there these they this those to too u
    under up us very want wanted wants was we were what whats when where whether which while
    who whom whose why will with would ya yes you your youre yours yourself
    """.split()
    # Contractions as typed without their apostrophe, or as `words` leaves them ("doesn't" ->
    # "doesnt"); else the typo corrector bends them into other words ("arent" -> "rent").
    # "ill" and "id" are left out: they are also words ("ill", "an ID badge").
    + """
    aint arent cant couldnt didnt doesnt dont hadnt hasnt havent hes heres isnt shes
    shouldnt theres theyd theyll theyre theyve wasnt werent whos wont wouldnt youd youll
    youve
    """.split()
)

# Words that frame a question about a policy without saying what it is about.
FRAME_WORDS = frozenset(
    """
    allowed allow anyone anybody anyway ask asking care cool count counts deal does else
    even fine gonna guess hey hi hello idea kind know lol mean ok okay permitted policy
    policies problem problems probably pretty question questions right rule rules say says
    supposed sure tell thanks thank think thinking thing things wanna wondering stuff still
    clause clauses section sections paragraph guideline guidelines item bullet
    also need needs
    actually basically btw honestly idk kinda literally lmao omg seriously sorta tbh totally
    um uh yeah yep
    """.split()
)

# Words nearly every question to a social media policy uses and nearly every clause has: they
# say the question is about the policy, not which clause answers it, so they count less.
DOMAIN_WORDS = frozenset(
    """
    post posts posted posting social media online internet web site sites page pages platform
    platforms network networks networking content employee employees staff city village town
    county district municipal government public personal
    """.split()
)

# Words that say a question is about what people do online: the medium a social media policy
# governs. A question with none of them is less likely to be about the policy at all. Words
# with a common everyday sense ("like", "follow", "friend", "page") are left out.
MEDIUM_WORDS = frozenset(
    """
    post posts posted posting tweet tweets tweeting facebook fb instagram insta ig tiktok
    twitter youtube linkedin reddit snapchat nextdoor discord twitch bluesky online internet
    social media blog blogs blogging comment comments commenting share sharing shared
    follower followers dm message messages profile account accounts upload video videos photo
    photos pic pics picture pictures streaming livestream website meme memes repost retweet
    selfie texting email publish
    """.split()
)

_stemmer = snowballstemmer.stemmer("english")


def markup_to_text(raw: str) -> str:
    """Turn an HTML-ish export (Laserfiche, Word-to-HTML) into plain lines; plain text as is."""
    if "<" not in raw and "&" not in raw:
        return raw
    text = _LIST_TAG.sub("\n• ", raw)
    text = _BREAK_TAG.sub("\n", text)
    text = _ANY_TAG.sub(" ", text)
    return html.unescape(text)


def clean_control(text: str) -> str:
    """Drop control and zero-width characters that terminals, chat apps and PDFs leave behind."""
    return _CONTROL.sub(" ", text)


def without_direction_controls(text: str) -> str:
    """The text with its bidirectional controls removed, so it shows in the order typed."""
    return _DIRECTION_CONTROLS.sub("", text)


def fold(text: str) -> str:
    """Lowercase with typographic quotes and accents folded to plain ASCII, for comparison."""
    text = clean_control(text).translate(_ASCII_FOLD).lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """Lowercase alphanumeric words of a text; apostrophes are dropped ("don't" -> "dont")."""
    return _TOKEN.findall(fold(text).replace("'", ""))


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Snowball stem of one lowercase word, cached because the vocabulary is small."""
    return str(_stemmer.stemWord(word))


def light_stem(word: str) -> str:
    """Strip only inflections (plurals, -ed, -ing): "disciplined" ~ "discipline", but not
    "performance" ~ "performs", which the Snowball stem would merge."""
    for suffix in ("ies", "es", "s", "ed", "ing", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    return word.rstrip("e") if len(word) > 4 else word


def sentences(text: str) -> list[str]:
    """Split prose into sentences at terminal punctuation followed by a capitalised word.

    A quotation is never split: a sample disclaimer of two sentences inside quotation marks
    stays with the sentence that introduces it, so a quote of it is whole.
    """
    merged: list[str] = []
    open_quotes = 0
    for part in (part.strip() for part in _SENTENCE_END.split(text.strip())):
        if not part:
            continue
        if open_quotes > 0 and merged:
            merged[-1] = f"{merged[-1]} {part}"
        else:
            merged.append(part)
        open_quotes = max(_quote_depth(merged[-1]), 0)
    return merged


def _quote_depth(text: str) -> int:
    """How many double quotations are still open at the end of the text (curly or straight)."""
    curly = text.count("“") - text.count("”")
    straight = text.count('"') % 2
    return curly + straight


def collapse_spaces(text: str) -> str:
    """One space between words, none at the ends."""
    return " ".join(text.split())


def rejoin_split_words(text: str) -> str:
    """Rejoin words an export split in two ("ci ty" -> "city").

    Two adjacent fragments are joined when neither occurs anywhere else in the text as a word
    while their concatenation does, at least twice. The text is its own dictionary, so this works
    for any policy without a word list.
    """
    counts = Counter(word.lower() for word in re.findall(r"[A-Za-z]+", text))

    def is_fragment_pair(left: str, right: str) -> bool:
        joined = (left + right).lower()
        return counts[left.lower()] <= 1 and counts[right.lower()] <= 1 and counts[joined] >= 2

    pieces = re.split(r"([A-Za-z]+)", text)
    # pieces alternates separator, word, separator, word, ...; odd indexes are words.
    index = 1
    while index + 2 < len(pieces):
        separator = pieces[index + 1]
        left, right = pieces[index], pieces[index + 2]
        joinable = re.fullmatch(r"[ \t]+|-[ \t]*\n?[ \t]*", separator) is not None
        if joinable and right.islower() and is_fragment_pair(left, right):
            pieces[index : index + 3] = [left + right]
            continue
        index += 2
    return "".join(pieces)


def compact(text: str) -> str:
    """Lowercase letters and digits only: how the evaluation compares clause text."""
    return "".join(_TOKEN.findall(fold(markup_to_text(text))))
