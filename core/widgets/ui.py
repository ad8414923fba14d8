"""What every page draws the same way: tables, bar-chart rows, downloads, the context line and notices.

Tables and downloads share one set of column formats and units; a download holds exactly the table shown,
every row of it. The reader's choices (filters, page choices, the URL) are in ``controls``.
"""

from __future__ import annotations

import datetime as dt
import logging
import re

import pandas as pd
import streamlit as st

from core import labels
from core.dashboard import export, measures
from core.dashboard.filters import UNIT_FACTORS, Filters, describe
from core.settings import UNIT_DECIMALS
from core.widgets import charts

_SAMPLE_NOTE = "⚠️ **예시 데이터**: 생성기로 만든 표본입니다. 실제 콜센터 실적이 아닙니다."


FILE_FAILED = "파일을 만들지 못했습니다"


def file_or_notice(make, kind: str = "xlsx"):
    """A download's contents made when the button is pressed; if making it fails, a file of the same kind that
    says so in Korean (the button cannot draw on the page by then), and the cause in the server log."""

    def run() -> bytes:
        try:
            return make()
        except Exception:
            logging.getLogger(__name__).exception("download failed")
            note = pd.DataFrame(
                {"안내": [f"{FILE_FAILED} ({dt.datetime.now():%Y-%m-%d %H:%M:%S}). 필터를 바꾸거나 다시 시도하세요."]}
            )
            return export.to_csv_bytes(note) if kind == "csv" else export.to_xlsx_bytes([(FILE_FAILED, note, {})])

    return run


def safe_file_name(name: str) -> str:
    return re.sub(r"[^\w가-힣.-]", "_", name)[:80]


def money_config(df: pd.DataFrame, unit: str) -> dict:
    """Column formats: amounts with separators in the chosen unit, rates as progress bars."""
    config = {}
    for c in df.columns:
        meaning = measures.HELP_BY_COLUMN.get(c)
        if labels.is_money(c):
            decimals = UNIT_DECIMALS.get(unit, 0)
            config[c] = st.column_config.NumberColumn(
                labels.with_unit(c, unit), format="localized" if decimals == 0 else f"%.{decimals}f"
            )
        elif labels.count_unit(c):
            config[c] = st.column_config.NumberColumn(labels.with_unit(c, labels.count_unit(c)), format="localized")
        elif c == labels.YEAR:
            config[c] = st.column_config.NumberColumn(c, format="%d")
        elif c in labels.PROGRESS_RATES:
            config[c] = st.column_config.ProgressColumn(c, format="%.1f%%", min_value=0, max_value=100)
        elif c.endswith("(%)"):
            config[c] = st.column_config.NumberColumn(c, format="%.1f")
        elif c == labels.PAGE:
            config[c] = st.column_config.NumberColumn(c, format="%d", help="보고서에 인쇄된 쪽수")
        elif c == labels.LINK:
            config[c] = st.column_config.LinkColumn(c, display_text="열기", help="이 과제를 보여 주는 페이지")
        elif c.startswith(labels.AS_OF):
            config[c] = st.column_config.DateColumn(c, format="YYYY-MM-DD")
        elif c == labels.SOURCE:
            config[c] = st.column_config.TextColumn(c, help="문서 번호 · 표 이름 (데이터 출처·품질 페이지 참고)")
        elif meaning:
            config[c] = st.column_config.Column(c, help=meaning)
        if meaning and c in config and not config[c].get("help"):
            config[c]["help"] = meaning  # the header's tooltip says what the column is (용어 설명)
    return config


def term_help(label: str) -> str | None:
    """A card's tooltip: what its figure is, from the glossary (measures.TERMS)."""
    return measures.HELP_BY_COLUMN.get(label)


TABLE_ROWS = 200  # a table shows this many rows; its CSV·Excel download holds every row


def table(
    df: pd.DataFrame, unit: str | None = None, column_config: dict | None = None, limit: int | None = None, **kwargs
):
    """st.dataframe with the project's column formats; empty cells show blank instead of 'None'.

    A table longer than ``limit`` shows its first ``limit`` rows (row positions, and so a selected row, stay those
    of ``df``) and says how many there are; downloads are made from the whole ``df``. Only the displayed copy turns
    nullable integers into floats (exact below 2**53); downloads keep integers.
    """
    total, limit = len(df), TABLE_ROWS if limit is None else limit
    shown = df.head(limit).copy() if total > limit else df.copy()
    for c in shown.columns:
        if isinstance(shown[c].dtype, pd.Int64Dtype) or str(shown[c].dtype) in ("Int32", "Int64"):
            shown[c] = shown[c].astype("float64")
        if pd.api.types.is_bool_dtype(shown[c]):
            shown[c] = export.flag_text(shown[c])
        if labels.is_money(c) and unit in UNIT_DECIMALS and pd.api.types.is_numeric_dtype(shown[c]):
            # the unit's fixed precision (941.703백만원 reads 942); the files keep the exact value
            shown[c] = pd.to_numeric(shown[c], errors="coerce").astype("float64").round(UNIT_DECIMALS[unit])
    config = money_config(shown, unit or "")
    config.update(column_config or {})
    kwargs.setdefault("hide_index", True)
    kwargs.setdefault("placeholder", "")  # a figure the report does not print stays blank, not 'None'
    event = st.dataframe(shown, column_config=config, **kwargs)
    if total > limit:
        st.caption(f"{rows_shown_line(total, limit)} · 전체 표는 CSV·Excel 내려받기에 모두 들어 있습니다")
    return event


def rows_shown_line(total: int, shown: int) -> str:
    return f"전체 {total:,}행 중 {shown:,}행"


def chart_rows(df: pd.DataFrame, key: str, order: str) -> pd.DataFrame:
    """The rows a bar chart draws: its first charts.CHART_BARS in ``df``'s order (named by ``order``, e.g. '달성률
    낮은 순'), or every row when the reader turns on 전체 보기. The caption says how many there are; totals and
    counts elsewhere on the page never come from the capped rows."""
    total = len(df)
    bars = charts.CHART_BARS
    if total <= bars:
        return df
    everything = st.toggle(f"전체 보기 ({total:,}개)", key=f"{key}_all", help="막대가 많으면 차트가 길어집니다.")
    if everything:
        st.caption(f"전체 {total:,}개")
        return df
    st.caption(f"{order} 상위 {bars}개 / 전체 {total:,}개 · 나머지는 '전체 보기'나 아래 표에서 봅니다")
    return df.head(bars)


SOURCES_LISTED = 4  # a download names up to this many source tables; beyond, it points to the 출처 column


def sources_of(df: pd.DataFrame, note: str = "") -> str:
    """The source tables of a table's rows (its 출처 column), for the header of a download."""
    values = sorted({str(v) for v in df[labels.SOURCE].dropna()}) if labels.SOURCE in df else []
    if len(values) > SOURCES_LISTED:
        text = f"표 {len(values)}개 (각 행의 '{labels.SOURCE}' 열 참고)"
    else:
        text = "; ".join(values) or "-"
    return f"{text} ({note})" if note else text


def downloads(
    df: pd.DataFrame,
    name: str,
    f: Filters,
    unit: str | None,
    as_of: str | None,
    key: str,
    sources: str | None = None,
) -> None:
    """CSV (UTF-8 BOM) and XLSX of exactly the table shown; ``sources`` defaults to the rows' own 출처."""
    meta = export.meta_block(describe(f), unit, fmt_date(as_of), sources if sources is not None else sources_of(df))
    safe_name = safe_file_name(name)
    c1, c2, _ = st.columns([1, 1, 4])
    c1.download_button(
        "⬇️ CSV",
        data=file_or_notice(lambda: export.to_csv_bytes(df, unit), "csv"),
        file_name=f"{safe_name}.csv",
        mime="text/csv",
        key=f"csv_{key}",
        on_click="ignore",
    )
    c2.download_button(
        "⬇️ Excel",
        data=file_or_notice(lambda: export.to_xlsx_bytes([(name, df, meta)], unit)),
        file_name=f"{safe_name}.xlsx",
        key=f"xlsx_{key}",
        on_click="ignore",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def fmt_date(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)) or str(value) in ("", "NaT", "None", "nan"):
        return "미상"
    return str(pd.Timestamp(value).date())


_CONTEXT = "_page_context"


def start_context() -> None:
    """A new run of a page: forget the 기준일 and unit the previous run stated."""
    st.session_state[_CONTEXT] = {"as_of": [], "unit": None}


def note_context(as_of=None, unit: str | None = None) -> None:
    """What the page shows is as of ``as_of`` and in ``unit``; the context line under the title says so."""
    ctx = st.session_state.setdefault(_CONTEXT, {"as_of": [], "unit": None})
    if as_of is not None and fmt_date(as_of) != "미상":
        ctx["as_of"].append(fmt_date(as_of))
    if unit:
        ctx["unit"] = unit


def context_line(f: Filters, built: str, fallback_as_of: tuple) -> str:
    """필터 · 기준일 · 단위 · 데이터 빌드 시각: the line under every title."""
    ctx = st.session_state.get(_CONTEXT) or {"as_of": [], "unit": None}
    dates = sorted(set(ctx["as_of"]))
    note = ""
    if not dates:
        dates = sorted({fmt_date(v) for v in fallback_as_of if fmt_date(v) != "미상"})
        note = " (보고서 기준)"
    as_of = "미상" if not dates else dates[0] if len(dates) == 1 else f"{dates[0]}~{dates[-1]}"
    parts = [describe(f), f"기준일 {as_of}{note}"]
    if ctx["unit"]:
        parts.append(f"금액 단위 {ctx['unit']}")
    if built:
        parts.append(f"데이터 {built} 빌드")
    return " · ".join(parts)


def as_of_caption(as_of, extra: str = "") -> None:
    note_context(as_of=as_of)
    text = f"기준일: **{fmt_date(as_of)}**"
    st.caption(text + (f" · {extra}" if extra else ""))


def sample_notice() -> None:
    st.warning(_SAMPLE_NOTE)


def fmt_money(value, unit: str) -> str:
    if value is None or pd.isna(value):
        return "-"
    v = value / UNIT_FACTORS[unit]
    return f"{v:,.0f} {unit}" if float(v).is_integer() else f"{v:,.1f} {unit}"


def shared_divisions_note(df: pd.DataFrame) -> None:
    """Say what the shared-task mark means where a table shows one."""
    if (
        labels.DIVISION in df
        and df[labels.DIVISION].astype("string").str.contains(labels.SHARED_MARK, regex=False).any()
    ):
        st.caption(
            f"부서 뒤 {labels.SHARED_MARK}: 여러 부서가 함께 운영하는 과제입니다. 금액은 부서끼리 나누지 않고, 부서를 여럿 "
            "골라도 과제마다 한 번만 셉니다."
        )
