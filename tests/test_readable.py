"""Nothing internal or broken reaches a page: no 'nan'/'None' text, no English column names, identifiers
after the columns a reader decides on. Run over every page for the default view and each year."""

from __future__ import annotations

import re

import pytest
from conftest import app_pages

from tests.test_pages import open_page

pytestmark = pytest.mark.usefixtures("use_dashboard_data")

BROKEN = re.compile(r"(^|[^A-Za-z])(nan|NaN|None|<NA>|NaT)([^A-Za-z]|$)")
ENGLISH_HEADER = re.compile(r"^[a-z][a-z0-9_]*$")
ID_COLUMNS = ("항목 ID", "과제 ID")
YEARS = ["all", "2024", "2018", "unknown"]


def screen_texts(at) -> list[str]:
    out = []
    for kind in ("markdown", "caption", "info", "warning", "success", "error", "subheader", "title"):
        out += [str(e.value) for e in getattr(at, kind)]
    for m in at.metric:
        out += [str(m.label), str(m.value), str(m.delta or "")]
    return out


@pytest.mark.parametrize("url_path", list(app_pages()))
@pytest.mark.parametrize("year", YEARS)
def test_no_broken_or_internal_text_on_any_page(url_path, year):
    at = open_page(url_path, {"year": year})
    broken = [t for t in screen_texts(at) if BROKEN.search(t)]
    assert not broken, broken
    for frame in at.dataframe:
        df = frame.value
        english = [c for c in map(str, df.columns) if ENGLISH_HEADER.match(c)]
        assert not english, english
        cells = [str(v) for c in df.columns if df[c].dtype == object for v in df[c].dropna()]
        assert not [v for v in cells if BROKEN.fullmatch(v) or v in ("nan", "None", "<NA>")], df.columns
        ids = [i for i, c in enumerate(df.columns) if c in ID_COLUMNS]
        if ids:  # identifiers come after every column a reader decides on (name, amounts, rates)
            first_id = min(ids)
            decided = [c for c in df.columns[first_id:] if c.endswith("(%)") or c in ("사업명", "과제명", "세부사업")]
            assert not decided, (list(df.columns), decided)
