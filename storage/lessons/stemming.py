"""The words a lesson is found by, and the words a search looks for: one definition for both backends.

A lesson's language is not known (teams write Bokmål, English, and both in one sentence), so every
word is stemmed with the Norwegian and the English Snowball stemmer, and both stems are indexed beside
the word itself. Words with æ, ø or å are indexed a second time folded to ASCII (æ → ae, ø → o, å → a)
so that `mote`, `laering` and `aapenhet`, typed on a keyboard without them, find "møte", "læring" and
"åpenhet". The fold goes one way only: a search typed with ø looks for ø, never for o.

Stop words (og, i, av, the, on, ...) are not indexed and never required: a lesson does not fail
"deploy on friday" for lacking "on".

Both SQLite (FTS5) and PostgreSQL (tsvector) index the same space-separated lists these functions
produce (`Lesson.search_body`, `Lesson.search_tags`), so both find the same lessons for a query.
Changing anything here changes what is indexed: existing lessons then need `reindex` (a migration).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

# A run of letters or digits of any script: nothing else reaches an index or a query language.
_WORD = re.compile(r"[^\W_]+")
MAX_WORD = 40  # longer "words" (hashes, URLs run together) are cut: nobody types them to search
_FOLD = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "ä": "a", "ö": "o"})

_NORWEGIAN = snowballstemmer.stemmer("norwegian")
_ENGLISH = snowballstemmer.stemmer("english")

# Snowball's stop word lists for Norwegian (Bokmål and Nynorsk forms) and English, the words that
# carry no topic of their own. "mot" and "over" are here, so a stem like "mot" (of "møte" typed as
# "mote") never matches "mot" (against).
STOP_WORDS = frozenset(
    """
    og i jeg det at en et den til er som på de med han av ikke ikkje der så var meg seg men ett har
    om vi min mitt ha hadde hun nå over da ved fra du ut sin dem oss opp man kan hans hvor eller hva
    skal selv sjøl her alle vil bli ble blei blitt kunne inn når være kom noen noe ville dere deres
    kun ja etter ned skulle denne for deg si sine sitt mot å meget hvorfor dette disse uten hvordan
    ingen din ditt blir samme hvilken hvilke sånn inni mellom vår hver hvem vors hvis både bare enn
    fordi før mange også slik vært båe begge siden dykk dykkar dei deira deires deim di då eg ein eit
    eitt elles honom hjå ho hoe henne hennar hennes hoss hossen ingi inkje korleis korso kva kvar
    kvarhelst kven kvi kvifor me medan mi mine mykje no nokon noka nokor noko nokre sia sidan so somt
    somme um upp vere vore verte vort varte vart
    me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her
    hers herself it its itself they them their theirs themselves what which who whom this that these
    those am is are was were be been being have has had having do does did doing a an the and but if
    or because as until while of at by with about against between into through during before after
    above below to from up down in out on off under again further then once here there when where why
    how any both each few more most other some such nor not only own same than too very s t can will
    just don should now
    """.split()  # noqa: SIM905 - a list literal of 300 words would not be readable
)


def _lower(word: str) -> str:
    # Simple, one-character-at-a-time lowercasing: str.casefold would turn 'straße' into 'strasse'.
    return "".join(ch if len(low := ch.lower()) != 1 else low for ch in word)


def words(text: str | None) -> list[str]:
    """The words of `text`, NFC and lowercased, in order, each at most MAX_WORD characters."""
    return [_lower(m.group())[:MAX_WORD] for m in _WORD.finditer(unicodedata.normalize("NFC", text or ""))]


def fold(word: str) -> str:
    """æ/ø/å (and ä/ö) as they are typed without them: ae, o, a."""
    return word.translate(_FOLD)


def typed_for(word: str) -> tuple[str, ...]:
    """What a searched word may stand for. A word with æ, ø or å means just that; an ASCII word may
    also have been typed for one ("moete" for "møte", "maal" for "mål": oe → o, aa → a, which the
    index folds to)."""
    if not word.isascii():
        return (word,)
    found = [word]
    for variant in (
        word.replace("oe", "o"),
        word.replace("aa", "a"),
        word.replace("oe", "o").replace("aa", "a"),
    ):
        if variant not in found:
            found.append(variant)
    return tuple(found)


@lru_cache(maxsize=65536)
def stems(word: str) -> tuple[str, ...]:
    """The Norwegian and the English stem of `word` (one, when they agree)."""
    norwegian = _NORWEGIAN.stemWord(word)
    english = _ENGLISH.stemWord(word)
    return (norwegian,) if norwegian == english else (norwegian, english)


# A compound's last part says what it is ("kundemøtet" is a meeting, "beredskapsøvelser" drills): a
# word this long is also indexed by the Norwegian stem of each of its tails, in a column of their own
# (`Lesson.search_tails`), which only a whole searched word's stem can match ("møte" → møt), never a
# typed prefix, and which leaves the body's length (and so its ranking) alone.
COMPOUND_WORD = 8
MIN_HEAD = 3
MIN_TAIL = 4
MIN_TAIL_STEM = 3


def _forms(word: str) -> tuple[str, ...]:
    return (word,) if fold(word) == word else (word, fold(word))


@lru_cache(maxsize=65536)
def _word_tokens(word: str) -> tuple[str, ...]:
    found: list[str] = []
    for form in _forms(word):
        for token in (form, *stems(form)):
            if token not in found:
                found.append(token)
    return tuple(found)


@lru_cache(maxsize=65536)
def _tail_tokens(word: str) -> tuple[str, ...]:
    found: list[str] = []
    for form in _forms(word):
        if len(form) < COMPOUND_WORD or not form.isalpha():
            continue
        for cut in range(MIN_HEAD, len(form) - MIN_TAIL + 1):
            stem = _NORWEGIAN.stemWord(form[cut:])
            if len(stem) >= MIN_TAIL_STEM and stem not in found:
                found.append(stem)
    return tuple(found)


def _content_words(*texts: str | None) -> list[str]:
    return [word for text in texts for word in words(text) if word not in STOP_WORDS]


def index_text(*texts: str | None) -> str:
    """What the index holds for these texts: every word that is not a stop word, its ASCII fold, and
    the stems of both, space-separated (a word's tokens once per occurrence of the word)."""
    return " ".join(token for word in _content_words(*texts) for token in _word_tokens(word))


def tag_words(tags_text: str | None) -> list[str]:
    """The words of a lesson's tags ("code-review" → code, review), stop words included: a tag is
    chosen, every word of it counts."""
    return words(tags_text)


def tag_index_text(tags_text: str | None) -> str:
    return " ".join(token for word in tag_words(tags_text) for token in _word_tokens(word))


def tail_index_text(*texts: str | None) -> str:
    """The stems of the tails of the long words of these texts (the body and the tags)."""
    return " ".join(token for word in _content_words(*texts) for token in _tail_tokens(word))


# --- the query side ----------------------------------------------------------------------------------

# A typed word this long may be a compound that lessons write in two words ("kodegjennomgang" for
# "gjennomgang av koden", "kundemøte" for "møtet med kunden"): each split into two parts of at least
# MIN_PART letters, with a linking s or e dropped, also counts when both parts are in the lesson.
COMPOUND_MIN = 9
MIN_PART = 4
_LINKS = ("s", "e")


@dataclass(frozen=True)
class Alternatives:
    """One searched word, as the index may hold it: a token starting with one of `prefixes` (the word
    as typed, what it was typed for, their stems) or one of the `exact` tokens, or one of the `tails`
    among the compound tails."""

    prefixes: tuple[str, ...]
    exact: tuple[str, ...] = ()
    tails: tuple[str, ...] = ()
    # Matched exactly as well, even where a prefix covers them: a lesson holding the very form typed
    # ranks above one holding another form of the word (or another language's word with that stem).
    typed: tuple[str, ...] = ()

    def tokens(self) -> tuple[str, ...]:
        """Every token prefix, without duplicates or one that another covers."""
        kept: list[str] = []
        for token in sorted(set(self.prefixes), key=len):
            if not any(token.startswith(shorter) for shorter in kept):
                kept.append(token)
        return tuple(sorted(kept))

    def exact_tokens(self) -> tuple[str, ...]:
        prefixes = self.tokens()
        covered = {t for t in self.exact if any(t.startswith(p) for p in prefixes)}
        # A typed form that is a prefix itself adds nothing (it would only cost the ranking a phrase).
        boost = {t for t in self.typed if t not in prefixes}
        return tuple(sorted((set(self.exact) - covered) | boost))


@dataclass(frozen=True)
class SearchWord:
    """A word a lesson must contain: as such (`whole`), or as both parts of one of its `splits`.
    `heads` are what a lesson matching only part of the search may hold instead: the word's first
    letters as a word of their own ("retro" for "retrospectives", "leder" for "lederstøtte")."""

    typed: str
    whole: Alternatives
    splits: tuple[tuple[Alternatives, Alternatives], ...] = ()
    heads: Alternatives = Alternatives(())


def alternatives(word: str) -> Alternatives:
    forms = typed_for(word)
    prefixes: list[str] = list(forms)
    tails: list[str] = []
    for form in forms:
        for stem in stems(form):
            if stem not in prefixes and len(stem) >= min(3, len(form)):
                prefixes.append(stem)
        tail = _NORWEGIAN.stemWord(form)
        if len(tail) >= MIN_TAIL_STEM and form.isalpha():
            tails.append(tail)
    return Alternatives(tuple(prefixes), tails=tuple(dict.fromkeys(tails)), typed=forms)


MIN_HEAD_WORD = 5  # a head this short is a word of its own ("retro", "leder")
MIN_HEAD_PREFIX = 7  # a head this long may begin another compound ("erfarin" → "erfaringsutveksling")


def _heads(word: str) -> Alternatives:
    if len(word) < COMPOUND_WORD or not word.isalpha():
        return Alternatives(())
    prefixes: list[str] = []
    exact: list[str] = []
    for form in typed_for(word):
        for cut in range(MIN_HEAD_WORD, len(form)):
            head = form[:cut]
            if head not in STOP_WORDS:
                (prefixes if cut >= MIN_HEAD_PREFIX else exact).append(head)
    return Alternatives(tuple(dict.fromkeys(prefixes)), tuple(dict.fromkeys(exact)))


def _splits(word: str) -> tuple[tuple[Alternatives, Alternatives], ...]:
    if len(word) < COMPOUND_MIN or not word.isalpha():
        return ()
    found: list[tuple[Alternatives, Alternatives]] = []
    for cut in range(MIN_PART, len(word) - MIN_PART + 1):
        head, tail = word[:cut], word[cut:]
        heads = [head] + ([head[:-1]] if head[-1] in _LINKS and len(head) > MIN_PART else [])
        for first in heads:
            if first in STOP_WORDS or tail in STOP_WORDS:
                continue
            found.append((alternatives(first), alternatives(tail)))
    return tuple(found)


def search_word(word: str, *, compounds: bool = True) -> SearchWord:
    if not compounds:
        return SearchWord(word, alternatives(word))
    return SearchWord(word, alternatives(word), _splits(word), _heads(word))


def required(typed_words: Iterable[str]) -> list[str]:
    """The words a search requires: the typed ones without stop words, or all of them when every one
    is a stop word (stop words are not indexed, so such a search finds nothing)."""
    typed = list(dict.fromkeys(typed_words))
    content = [word for word in typed if word not in STOP_WORDS]
    return content or typed
