"""The report's chart: a PNG drawn with matplotlib's Agg backend, in a font that has æ, ø and å."""

from __future__ import annotations

import struct
import warnings

from matplotlib import font_manager
from matplotlib.ft2font import FT2Font

from bot.core.i18n import translator
from bot.insights import chart
from tests.unit.insights.test_views import report

NORWEGIAN = "æøåÆØÅ"


def size_of(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk
    return width, height


def test_the_font_has_the_norwegian_letters() -> None:
    path = font_manager.findfont(font_manager.FontProperties(family=chart.FONT), fallback_to_default=False)
    assert "DejaVuSans" in path, path  # bundled with matplotlib
    font = FT2Font(path)
    assert all(font.get_char_index(ord(letter)) for letter in NORWEGIAN)
    bold = font_manager.findfont(font_manager.FontProperties(family=chart.FONT, weight="bold"))
    assert all(FT2Font(bold).get_char_index(ord(letter)) for letter in NORWEGIAN)


def test_a_norwegian_chart_renders_every_glyph() -> None:
    data = report()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = chart.render_chart(translator("nb"), data)
    assert not [w for w in caught if "Glyph" in str(w.message) or "missing" in str(w.message)]
    assert size_of(png) == (int(chart.WIDTH * chart.DPI), int(chart.HEIGHT * chart.DPI))
    assert 10_000 < len(png) < 200_000


def test_the_same_report_gives_the_same_bytes_and_languages_differ() -> None:
    data = report()
    english = chart.render_chart(translator("en"), data)
    assert english == chart.render_chart(translator("en"), data)
    assert english != chart.render_chart(translator("nb"), data)
