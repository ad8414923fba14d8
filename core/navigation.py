"""The dashboard's pages: one list that the frame draws as navigation and tests and the benchmark walk.

Streamlit serves ``app.py`` at ``/`` and each ``pages/<name>.py`` at ``/<name>`` (its folder-based
multipage mode, the only navigation mechanism used); the frame hides Streamlit's own page list and
draws this one, with Korean labels.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

APP_TITLE = "교육청 예산·성과 대시보드"


@dataclass(frozen=True)
class Page:
    name: str  # the URL path ('' is the entry page) and the key tests and the benchmark use
    script: str  # relative to the project folder
    title: str  # the page's heading and browser tab title
    label: str  # its entry in the navigation
    icon: str

    @property
    def heading(self) -> str:
        return f"{self.icon} {self.title}"

    def link(self, query: dict) -> str:
        """Relative URL of this page with the given filter values."""
        return f"{self.url_path}?{urlencode(query, doseq=True)}"

    @property
    def url_path(self) -> str:
        return "" if self.script == "app.py" else self.name


PAGES: tuple[Page, ...] = (
    Page("overview", "app.py", APP_TITLE, "개요", "📊"),
    Page("budget", "pages/budget.py", "과제·세부사업별 예산", "과제별 예산", "💰"),
    Page("quarterly", "pages/quarterly.py", "분기별 집행계획", "분기별 집행", "📅"),
    Page("training", "pages/training.py", "연수 추진 목표 대비 실적", "연수 목표 대비 실적", "🎓"),
    Page("indicators", "pages/indicators.py", "성과지표 목표 대비 실적", "성과지표", "🎯"),
    Page("callcenter", "pages/callcenter.py", "콜센터·민원 지표", "콜센터·민원 지표", "☎️"),
    Page("insights", "pages/insights.py", "점검·경보", "점검·경보", "🚨"),
    Page("task", "pages/task.py", "과제 한눈에", "과제 한눈에", "🗂️"),
    Page("sources", "pages/sources.py", "데이터 출처·품질", "데이터 출처·품질", "🔎"),
    Page("glossary", "pages/glossary.py", "용어 설명", "용어 설명", "📖"),
)
# Pages for admins only (데이터 적재): drawn in the navigation for an admin, refused to anyone else by the frame.
# They are not reading pages: the benchmark and the reading tests walk PAGES.
ADMIN_PAGES: tuple[Page, ...] = (Page("admin", "pages/admin.py", "데이터 적재", "데이터 적재", "📥"),)
ALL_PAGES: tuple[Page, ...] = PAGES + ADMIN_PAGES
BY_NAME: dict[str, Page] = {p.name: p for p in ALL_PAGES}


def page(name: str) -> Page:
    return BY_NAME[name]
