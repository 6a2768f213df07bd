"""bot.core.tags and bot.core.mrkdwn: tags in free text, and mrkdwn that never turns text into mentions."""

from __future__ import annotations

import random
import unicodedata

import pytest

from bot.core import mrkdwn, tags, words
from bot.core.mrkdwn import chunks, escape, truncate

# --- tags.extract -----------------------------------------------------------------------------------


def test_extract_finds_tags_in_order() -> None:
    assert tags.extract("We learned #testing matters, also #onboarding.") == ["testing", "onboarding"]


def test_extract_is_case_insensitive_and_deduplicates() -> None:
    assert tags.extract("#Testing #TESTING #testing #Ci #ci") == ["testing", "ci"]


def test_extract_casefolds_beyond_lowercase() -> None:
    assert tags.extract("#STRASSE and #straße") == ["strasse"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("#æøå-test", ["æøå-test"]),
        ("Lærdom om #Ærlighet og #blåbær", ["ærlighet", "blåbær"]),
        ("#ØKONOMI", ["økonomi"]),
        ("#тестирование", ["тестирование"]),
        ("#δοκιμή", ["δοκιμή"]),
        ("#テスト", ["テスト"]),
        ("#测试", ["测试"]),
        ("#العربية", ["العربية"]),
        ("#ภาษาไทย", ["ภาษาไทย"]),
        # Devanagari vowel signs are combining marks (Mn/Mc): part of the word, not a separator.
        pytest.param("#हिंदी", ["हिंदी"], id="devanagari"),
        pytest.param("#தமிழ்", ["தமிழ்"], id="tamil"),
    ],
)
def test_extract_letters_of_any_language(text: str, expected: list[str]) -> None:
    assert tags.extract(text) == expected


def test_extract_nfc_and_nfd_give_the_same_tag() -> None:
    nfc = unicodedata.normalize("NFC", "#blåbær")
    nfd = unicodedata.normalize("NFD", "#blåbær")
    assert nfc != nfd
    assert tags.extract(nfd) == tags.extract(nfc) == [unicodedata.normalize("NFC", "blåbær")]


def test_extract_max_tags() -> None:
    text = " ".join(f"#tag{i}" for i in range(tags.MAX_TAGS + 5))
    found = tags.extract(text)
    assert len(found) == tags.MAX_TAGS
    assert found == [f"tag{i}" for i in range(tags.MAX_TAGS)]


def test_extract_duplicates_do_not_use_up_the_limit() -> None:
    text = "#same " * 20 + " ".join(f"#t{i}" for i in range(tags.MAX_TAGS - 1))
    assert tags.extract(text) == ["same"] + [f"t{i}" for i in range(tags.MAX_TAGS - 1)]


def test_extract_caps_tag_length() -> None:
    (tag,) = tags.extract("#" + "a" * 100)
    assert tag == "a" * tags.MAX_TAG_LENGTH


@pytest.mark.parametrize(
    "text",
    [
        "see <#C123|general> for details",
        "see <#C123> for details",
        "it&#39;s fine",
        "a &#x27;quoted&#x27; word",
        "#123 and #2024",
        "a#b",
        "issue#12",
        "C#",
        "##",
        "# spaced",
        "#-dash",
        "#_under",
        "",
    ],
)
def test_extract_ignores_non_tags(text: str) -> None:
    assert tags.extract(text) == []


def test_extract_keeps_tags_next_to_ignored_things() -> None:
    text = "In <#C123|general> it&#39;s #Retro time, ref a#b and #42 #2fa"
    assert tags.extract(text) == ["retro", "2fa"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("(#ci)", ["ci"]), ("#ci, #cd.", ["ci", "cd"]), ("#code-review!", ["code-review"]), ("#ci-", ["ci"])],
)
def test_extract_trims_punctuation(text: str, expected: list[str]) -> None:
    assert tags.extract(text) == expected


# --- tags.parse_list --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("testing, onboarding", ["testing", "onboarding"]),
        ("#Testing #Onboarding", ["testing", "onboarding"]),
        ("testing,,  ,onboarding\nci", ["testing", "onboarding", "ci"]),
        ("Testing, testing, #TESTING", ["testing"]),
        ("Blåbær, ØL", ["blåbær", "øl"]),
        ("", []),
        ("  ,  # , ", []),
    ],
)
def test_parse_list(raw: str, expected: list[str]) -> None:
    assert tags.parse_list(raw) == expected


def test_parse_list_max_tags() -> None:
    assert len(tags.parse_list(",".join(f"t{i}" for i in range(30)))) == tags.MAX_TAGS


# --- tags.normalize ---------------------------------------------------------------------------------


def test_normalize_nfc_and_nfd_are_equal() -> None:
    nfc = "\u00e5"  # å
    nfd = "a\u030a"  # a + combining ring above
    assert nfc != nfd
    assert tags.normalize(nfc) == tags.normalize(nfd) == "\u00e5"
    assert tags.normalize("#Blå" + "be" + "a\u030a") == tags.normalize("blåbeå")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("code review", "code-review"),
        ("  Code   Review  ", "code-review"),
        ("code_review", "code-review"),
        ("#Onboarding", "onboarding"),
        ("ci/cd!", "cicd"),
        ("--x--", "x"),
        ("", ""),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert tags.normalize(raw) == expected


def test_normalize_is_idempotent() -> None:
    for raw in ["Code Review", "#Blåbær", "a\u030a b", "STRASSE", "x" * 80]:
        once = tags.normalize(raw)
        assert tags.normalize(once) == once
        assert len(once) <= tags.MAX_TAG_LENGTH


# --- mrkdwn.escape ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("<!channel>", "&lt;!channel&gt;"),
        ("<!here>", "&lt;!here&gt;"),
        ("<!everyone>", "&lt;!everyone&gt;"),
        ("<@U123>", "&lt;@U123&gt;"),
        ("<#C1>", "&lt;#C1&gt;"),
        ("<!subteam^S1>", "&lt;!subteam^S1&gt;"),
        ("<!subteam^S1|@devs>", "&lt;!subteam^S1|@devs&gt;"),
        ("<https://evil.example|click>", "&lt;https://evil.example|click&gt;"),
        ("a & b", "a &amp; b"),
        ("&lt;!channel&gt;", "&amp;lt;!channel&amp;gt;"),
        ("plain *bold* _it_ `code` ~s~ | ^", "plain *bold* _it_ `code` ~s~ | ^"),
        ("", ""),
    ],
)
def test_escape(raw: str, expected: str) -> None:
    assert escape(raw) == expected


def test_escape_is_not_applied_twice_by_accident() -> None:
    assert escape("&amp;") == "&amp;amp;"
    assert escape(escape("<")) == "&amp;lt;"


def test_escape_leaves_no_control_characters() -> None:
    raw = "<!channel> <!here> <@U1> <#C1> <!subteam^S1> & > <"
    out = escape(raw)
    assert "<" not in out
    assert ">" not in out
    # Every '&' left starts one of the three entities.
    assert out.count("&") == out.count("&amp;") + out.count("&lt;") + out.count("&gt;")


def test_escape_round_trips() -> None:
    raw = "a<b>&c &amp; <!here>"
    unescaped = escape(raw).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    assert unescaped == raw


# --- mrkdwn.truncate --------------------------------------------------------------------------------


def test_truncate_short_text_is_unchanged() -> None:
    assert truncate("hello", 5) == "hello"
    assert truncate("", 3) == ""


def test_truncate_marks_the_cut() -> None:
    assert truncate("hello world", 8) == "hello w…"
    assert truncate("hello world", 8, ellipsis="...") == "hello..."


@pytest.mark.parametrize("limit", [3, 5, 10, 99, 100, 101])
@pytest.mark.parametrize("ellipsis", ["…", "...", ""])
def test_truncate_never_exceeds_limit(limit: int, ellipsis: str) -> None:
    value = "x" * 100
    out = truncate(value, limit, ellipsis)
    assert len(out) <= limit
    assert value.startswith(out[: len(out) - len(ellipsis)] if ellipsis else out)


@pytest.mark.parametrize(("limit", "ellipsis"), [(0, "…"), (1, "..."), (2, "...")])
def test_truncate_limit_below_ellipsis_length(limit: int, ellipsis: str) -> None:
    assert len(truncate("abcdef", limit, ellipsis)) <= limit


# --- mrkdwn.chunks ----------------------------------------------------------------------------------


def _words(rng: random.Random, count: int) -> str:
    parts = []
    for _ in range(count):
        word = "".join(rng.choice("abcdefghijæøå&<>") for _ in range(rng.randint(1, 12)))
        parts.append(word + rng.choice([" ", " ", " ", "\n", "\n\n"]))
    return "".join(parts).strip()


def test_chunks_short_text_is_one_piece() -> None:
    assert chunks("hello\nworld", 100) == ["hello\nworld"]
    assert chunks("", 100) == []


def test_chunks_prefers_line_breaks() -> None:
    assert chunks("aaaa\nbbbb\ncccc", 10) == ["aaaa\nbbbb", "cccc"]


def test_chunks_hard_cut_without_line_breaks_loses_nothing() -> None:
    value = "x" * 25
    pieces = chunks(value, 10)
    assert pieces == ["x" * 10, "x" * 10, "x" * 5]
    assert "".join(pieces) == value


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize("size", [20, 50, 300, 3000])
def test_chunks_never_exceed_size_and_lose_nothing(seed: int, size: int) -> None:
    rng = random.Random(seed)
    value = _words(rng, 800)
    pieces = chunks(value, size)
    assert pieces
    assert all(0 < len(piece) <= size for piece in pieces)
    # Only the line breaks at the cuts may go; every other character survives, in order.
    assert "".join(pieces).replace("\n", "") == value.replace("\n", "")


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize("size", [300, 3000])
def test_chunks_rejoin_to_the_same_words_when_lines_fit(seed: int, size: int) -> None:
    rng = random.Random(seed)
    value = _words(rng, 800)
    assert max(len(line) for line in value.split("\n")) < size
    pieces = chunks(value, size)
    assert all(len(piece) <= size for piece in pieces)
    assert [word for piece in pieces for word in piece.split()] == value.split()


@pytest.mark.parametrize("size", [10, 50, 3000])
def test_chunks_one_long_line_rejoins_to_the_same_words(size: int) -> None:
    rng = random.Random(size)
    value = " ".join("".join(rng.choice("abcdefgh") for _ in range(rng.randint(1, 6))) for _ in range(2000))
    pieces = chunks(value, size)
    assert all(len(piece) <= size for piece in pieces)
    assert [word for piece in pieces for word in piece.split()] == value.split()


def test_chunks_of_escaped_text_never_split_an_entity() -> None:
    value = escape("x" + "<" * 1999)  # 'x' + 1999 * '&lt;': 7997 characters, no line breaks
    for piece in chunks(value, 3000):
        assert piece.count("&") == piece.count("&lt;"), piece[-8:]


def test_module_exposes_the_helpers() -> None:
    assert mrkdwn.escape is escape and mrkdwn.chunks is chunks and mrkdwn.truncate is truncate


# --- Slack's wire format to what the person typed ------------------------------------------------------


@pytest.mark.parametrize(
    ("wire", "typed"),
    [
        ("x &lt; y &amp;&amp; y &gt; z", "x < y && y > z"),
        ("&amp;lt; is how you write &lt;", "&lt; is how you write <"),
        ("ask <@U123|kari>", "ask @kari"),
        ("ask <@U123>", "ask @kari"),
        ("ask <@U999>", "ask @U999"),
        ("see <#C123|team-x> and <#C456>", "see #team-x and #general"),
        ("<!here> <!channel> <!everyone>", "@here @channel @everyone"),
        ("<!subteam^S1|@devs> <!subteam^S2>", "@devs @group"),
        ("<!date^1392734382^{date}|Feb 18, 2014>", "Feb 18, 2014"),
        ("<https://example.com>", "https://example.com"),
        ("<https://example.com|the docs &amp; more>", "the docs & more (https://example.com)"),
        ("<mailto:a@b.no|a@b.no>", "a@b.no"),
        ("no markup at all", "no markup at all"),
    ],
)
def test_wire_text_reads_as_typed(wire: str, typed: str) -> None:
    assert mrkdwn.from_slack(wire, {"U123": "kari"}, {"C456": "general"}) == typed


def test_typed_text_escaped_once_is_what_slack_sends_and_round_trips() -> None:
    typed = "x < y && y > z <!here> &amp;"
    wire = mrkdwn.to_slack(typed)
    assert wire == "x &lt; y &amp;&amp; y &gt; z &lt;!here&gt; &amp;amp;"
    assert mrkdwn.from_slack(wire) == typed, "decoding what Slack sends gives the typed text back"
    assert mrkdwn.mentioned_users("<@U1> <@U2|x> <@U1>") == ["U1", "U2"]
    assert mrkdwn.mentioned_channels("<#C1> <#C2|named> <#C1>") == ["C1"]


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("serach", "search"),
        ("seach", "search"),
        ("slet", "slett"),
        ("hjlep", "hjelp"),
        ("SØK", "søk"),
        ("mine", "mine"),
        ("banana", None),
        ("se", None),
        ("deploy", None),
    ],
)
def test_a_slip_of_the_keyboard_finds_the_word_meant(typed: str, meant: str | None) -> None:
    vocabulary = ["search", "søk", "mine", "delete", "slett", "help", "hjelp", "anon", "anonym"]
    assert words.closest(typed, vocabulary) == meant
