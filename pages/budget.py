"""과제별 예산: one budget table, drill-down into sub-items, unit switch, printed totals."""

import streamlit as st

from core import labels as column_labels
from core.dashboard.filters import Filters
from core.dashboard.queries import budget as budget_queries
from core.widgets import charts, controls, frame, ui
from core.widgets.text import escape_markdown


def render(f: Filters) -> Filters:
    tables = budget_queries.budget_tables(f)
    if tables.empty:
        controls.empty_state(f, "예산", "budget")
        return f

    labels = [budget_queries.table_label(r.doc_id, r.source_section) for r in tables.itertuples()]
    f = controls.page_choice(f, "table", "예산 표", labels)
    table_row = tables.iloc[labels.index(f.get("table"))]
    doc_id, section = table_row["doc_id"], table_row["source_section"]
    f, unit = controls.unit_choice(f)
    view = budget_queries.budget_view(f, doc_id, section, controls.remembered("item"), unit)
    f = f.with_extra("item", view.parent)
    path, rows, totals = view.path, view.rows, view.totals

    crumbs = ["전체"] + [p["name"] for p in path]
    st.caption("위치: " + escape_markdown(" › ".join(crumbs)))
    ui.as_of_caption(table_row["as_of"], f"금액 단위 {unit} (보고서 인쇄 단위 {table_row['unit']}) · {f.year_label()}")

    if rows.empty:
        controls.empty_state(f, "이 표의")
    else:
        shown = rows.drop(columns=["하위 항목"])
        event = ui.table(
            shown, unit, on_select="rerun", selection_mode="single-row", key=f"budget_{doc_id}_{view.parent}"
        )
        selected = event.selection.rows if event and event.selection else []
        if selected and rows["하위 항목"].iat[selected[0]]:
            controls.remember("item", rows["항목 ID"].iat[selected[0]])
            controls.sync_url(f.with_extra("item", rows["항목 ID"].iat[selected[0]]))
            st.rerun()
        elif selected:  # a row without sub-items: everything about it is on its task page
            frame.open_task(f, doc_id, rows["항목 ID"].iat[selected[0]])
        if not totals.empty:
            st.markdown("**인쇄된 합계 행** (보고서 그대로)")
            ui.table(totals.drop(columns=["하위 항목"], errors="ignore"), unit)
            st.caption(f"내려받은 파일에는 이 행이 구분 '{budget_queries.PRINTED_TOTAL}'로 표 아래에 함께 들어갑니다.")
        if "증감율 재계산(%)" in rows or "증감율 재계산(%)" in totals:
            st.caption(
                "증감·증감율은 보고서에 인쇄된 값입니다. '증감율 재계산'은 인쇄된 금액으로 (당해 − 전년) ÷ 전년을 다시 "
                "계산한 값으로, 인쇄값과 다른 행에만 나옵니다(데이터 출처·품질 페이지에 같은 불일치가 있습니다)."
            )
        ui.shared_divisions_note(rows)
        st.caption(
            "하위 항목이 있는 행을 고르면 세부 내역으로 들어가고, 하위 항목이 없는 행을 고르면 '과제 한눈에'가 열립니다."
        )
        if path:
            frame.task_link(f, doc_id, path[-1]["item_id"], f"과제 한눈에: {path[-1]['name']}")
        if path and st.button("⬆️ 상위로", key="budget_up"):
            up = path[-2]["item_id"] if len(path) > 1 else None
            controls.remember("item", up)
            controls.sync_url(f.with_extra("item", up))
            st.rerun()
        ui.downloads(
            budget_queries.with_printed_totals(rows, totals),
            f"예산_{doc_id}_{section}",
            f,
            unit,
            str(table_row["as_of"]),
            key="budget",
            sources=budget_queries.table_label(doc_id, section),
        )
        charted = shown
        if len(shown) > charts.CHART_BARS:  # the largest first, so that the capped chart keeps the big items
            size = next(c for c in ("예산현액·추경", "본예산", "집행액") if c in shown)
            charted = shown.sort_values(size, ascending=False, kind="stable", na_position="last")
            charted = ui.chart_rows(charted, "budget_chart", f"{size} 큰 순")
        chart = charted.melt(
            id_vars="사업명",
            value_vars=[c for c in ("본예산", "예산현액·추경", "집행액") if c in shown],
            var_name="구분",
            value_name="금액",
        )
        if chart["금액"].notna().any():
            event = st.plotly_chart(
                charts.bar(
                    chart,
                    "금액",
                    "사업명",
                    color="구분",
                    horizontal=True,
                    barmode="group",
                    height=charts.GROUPED_BARS.height(len(charted)),
                    x_title=f"금액({unit})",
                    y_title="",
                    reverse_categories=True,
                ),
                width="stretch",
                config=charts.CHART_CONFIG,
                on_select="rerun",
                selection_mode="points",
                key="budget_chart",
            )
            st.caption("막대를 누르면 그 사업의 '과제 한눈에'가 열립니다.")
            frame.open_charted_task(f, charted, event, "사업명", id_column=column_labels.ITEM_ID)
        f = years_side_by_side(f, doc_id, section, view.parent, unit)
    return f


def years_side_by_side(f: Filters, doc_id: str, section: str, parent: str | None, unit: str) -> Filters:
    """Two years of this table in adjacent columns, where the table prints more than one year."""
    st.subheader("두 해 나란히")
    years = budget_queries.table_years(doc_id, section)
    if len(years) < 2:
        printed = f"{years[0]}년" if years else "연도 미상"
        st.caption(
            f"이 표는 {printed} 한 해만 인쇄되어 있습니다. 보고서가 함께 인쇄한 전년 열(전년 본예산·전년 최종예산)과 "
            "증감은 위 표에 있습니다. 다른 보고서의 표와는 기관·측정값이 달라 나란히 놓지 않습니다."
        )
        return f
    f, first, second = controls.year_pair_choice(f, years)
    table = budget_queries.years_side_by_side(f, doc_id, section, parent, first, second, unit)
    st.caption(f"같은 표의 같은 항목만 두 해를 견줍니다 · 금액 단위 {unit} · 증감 = {second}년 − {first}년")
    ui.table(table, unit)
    ui.downloads(
        table, f"예산_두해_{first}_{second}", f, unit, None, key="budget_years", sources=f"{doc_id} · {section}"
    )
    return f


frame.run_page("budget", render)
