"""내 부서: the 기관·부서 this browser opens the dashboard with, kept in a cookie (nothing on the server)."""

from __future__ import annotations

import json
from urllib.parse import quote, unquote

import streamlit as st

from core.dashboard.filters import Filters
from core.widgets.text import escape_markdown

HOME_COOKIE = "dashboard_home"  # 내 부서: the 기관·부서 this browser opens the dashboard with
HOME_DAYS = 365


def saved_home() -> dict[str, list[str]]:
    """내 부서 as saved on this browser ({'agency': […], 'division': […]}), checked like URL values by the caller."""
    if st.session_state.get("_home_cleared"):
        return {}
    raw = st.context.cookies.get(HOME_COOKIE) if st.context.cookies else None
    try:
        value = json.loads(unquote(raw)) if raw else {}
    except ValueError:
        return {}
    if not isinstance(value, dict):
        return {}
    return {k: [str(v)[:200] for v in value.get(k, [])][:20] for k in ("agency", "division") if value.get(k)}


def _write_home(value: dict | None) -> None:
    """Set (or, with None, remove) the 내 부서 cookie on this browser; the script is ours, the value JSON-quoted."""
    if value is None:
        cookie = f"{HOME_COOKIE}=; max-age=0; path=/; SameSite=Strict"
    else:
        cookie = f"{HOME_COOKIE}={quote(json.dumps(value, ensure_ascii=False))}; max-age={HOME_DAYS * 86400}; path=/; SameSite=Strict"
    st.html(f"<script>document.cookie = {json.dumps(cookie)};</script>", unsafe_allow_javascript=True)


def home_controls(current: Filters) -> None:
    """Save the 기관·부서 on screen as this browser's 내 부서, or clear it."""
    saved = st.session_state.get("_home") if "_home" in st.session_state else saved_home()
    if st.session_state.pop("_home_write", False):
        _write_home(saved or None)
    if saved:
        st.caption("⭐ 내 부서: " + escape_markdown(" / ".join(saved.get("agency", []) + saved.get("division", []))))
    c1, c2 = st.columns(2)
    if c1.button(
        "⭐ 내 부서로 저장",
        key="home_save",
        disabled=not (current.agencies or current.divisions),
        help="이 브라우저에서 다음에 열 때 지금의 기관·부서로 시작합니다 (링크에 기관·부서가 있으면 링크가 우선)",
    ):
        st.session_state["_home"] = {"agency": list(current.agencies), "division": list(current.divisions)}
        st.session_state["_home_write"] = True
        st.session_state.pop("_home_cleared", None)
        st.rerun()
    if saved and c2.button("저장 해제", key="home_clear", help="다음에 열 때 전체 기관으로 시작합니다"):
        st.session_state["_home"] = {}
        st.session_state["_home_write"] = True
        st.session_state["_home_cleared"] = True
        st.rerun()
