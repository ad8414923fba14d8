"""데이터 적재 (admins only): upload CSV/XLSX exports, see what would change, then load them the way
``python -m core ingest`` does. The frame refuses the page to a viewer before ``render`` runs; the pipeline
is imported only inside ``render``, so no reading page loads it."""

import streamlit as st

from core import auth
from core.dashboard.filters import Filters
from core.widgets import frame, ui
from core.widgets.text import escape_markdown

PREVIEW = "_admin_preview"  # (what was checked, its result)
LOADED = "_admin_loaded"  # the last load's result, shown once after the page is drawn again
UPLOADER = "_admin_uploader"  # the uploader's generation: a new key empties it after a load
AUDIT_SHOWN = 50
AUTO_TABLE = "(파일 이름·열 이름으로 판단)"
NO_TRIANGLE = "(▲ 없음: ▲가 든 셀은 거부)"


def _problems(result) -> None:
    """A refusal: the head line and every problem (they quote file names and cells, so they are escaped)."""
    st.error(escape_markdown(result.head), icon="⛔")
    if result.messages:
        st.markdown("\n".join(f"- {escape_markdown(m)}" for m in result.messages))


def _changes(result, done: bool) -> None:
    df = result.table()
    if df.empty:
        st.caption("바뀌는 행이 없습니다.")
        return
    ui.table(df)
    verb = "적재했습니다" if done else "적재하면 이렇게 바뀝니다"
    st.caption(
        f"{verb}: 추가는 새 키의 행, 교체는 같은 묶음에 있던 같은 키의 행(그중 값이 바뀐 행 수 따로), 삭제는 같은 "
        "묶음에 있었지만 새 파일에 없는 행입니다. 같은 묶음 이름으로 다시 적재하면 그 묶음이 통째로 바뀝니다."
    )


def _audit(upload) -> None:
    st.subheader("적재 기록")
    entries = upload.audit_entries()
    st.caption(
        f"검증과 적재 시도마다 한 줄(누가, 언제, 파일 이름·sha256, 묶음, 결과, 행 수)이 "
        f"데이터 폴더의 {upload.AUDIT_FOLDER}/{upload.AUDIT_FILE}에 덧붙여집니다. 최근 {AUDIT_SHOWN}건을 보여 줍니다."
    )
    if not entries:
        st.caption("아직 기록이 없습니다.")
        return
    ui.table(upload.audit_table(entries[:AUDIT_SHOWN]))
    st.download_button(
        "적재 기록 내려받기 (JSON Lines)",
        data=upload.audit_path().read_bytes,  # read when pressed, not on every rerun
        file_name="ingest-audit.jsonl",
        mime="application/x-ndjson",
        key="audit_download",
        on_click="ignore",
    )


def render(_f: Filters) -> None:
    from core.pipeline import upload  # the offline pipeline, loaded only when an admin opens this page
    from core.pipeline.cli import REPLACE_OFFICIAL_HELP, SHRINK_HELP
    from core.pipeline.parsing import TRIANGLE_DECREASE, TRIANGLE_INCREASE
    from core.pipeline.schema import TABLES

    who = auth.current()
    if not isinstance(who, auth.Identity) or not who.is_admin:  # the frame refused already; never act without it
        st.error("관리자만 데이터를 적재할 수 있습니다.", icon="🚫")
        return
    if who.open_mode:
        st.warning(
            "로컬 열린 모드: 로그인 설정이 없어 이 컴퓨터(127.0.0.1)에서 여는 사람은 누구나 관리자입니다. 기록에는 "
            "이 컴퓨터의 사용자 이름이 남습니다.",
            icon="🔓",
        )
    limit = st.get_option("server.maxUploadSize")
    st.markdown(
        "보고서에서 내보낸 CSV·XLSX 파일을 올리면 명령줄 적재(`python -m core ingest`)와 같은 검사를 한 뒤 바뀔 내용을 "
        "먼저 보여 줍니다. **적재 확정**을 눌러야 데이터가 바뀌며, 적재와 빌드는 한 번에 바뀌므로 다른 사용자는 그동안 "
        "이전 데이터를 계속 봅니다."
    )
    loaded = st.session_state.pop(LOADED, None)
    if loaded is not None:
        st.success(
            "적재했습니다. 데이터 파일을 다시 만들었습니다: "
            + ", ".join(f"{TABLES[t].label if t in TABLES else t} {n:,}행" for t, n in loaded.counts.items()),
            icon="✅",
        )
        _changes(loaded, done=True)

    generation = st.session_state.setdefault(UPLOADER, 0)
    files = st.file_uploader(
        f"CSV·XLSX 파일 (파일당 최대 {limit}MB, server.maxUploadSize)",
        type=list(upload.UPLOAD_TYPES),
        accept_multiple_files=True,
        key=f"admin_upload_{generation}",
    )
    c1, c2 = st.columns(2)
    tables = [AUTO_TABLE, *TABLES]
    table = c1.selectbox(
        "대상 표",
        tables,
        key="admin_table",
        format_func=lambda t: t if t == AUTO_TABLE else f"{TABLES[t].label} ({t})",
    )
    batch = c2.text_input(
        "묶음 이름 (생략하면 파일 이름)",
        key="admin_batch",
        max_chars=60,
        disabled=len(files or []) > 1,
        help="같은 묶음 이름으로 다시 적재하면 그 묶음을 교체합니다. 파일이 여럿이면 파일마다 파일 이름을 씁니다.",
    )
    triangle = c1.radio("▲의 뜻", [NO_TRIANGLE, TRIANGLE_INCREASE, TRIANGLE_DECREASE], key="admin_triangle")
    accept = c2.checkbox(
        "공식 문서 자체의 합계 불일치를 그대로 보존 (--accept-total-differences)",
        key="admin_accept",
        help="데이터 출처·품질 화면에 표시됩니다.",
    )
    replace_official = c2.checkbox(
        "보고서 전사본 묶음(seed-…, sample-…) 교체 허용 (--replace-official)",
        key="admin_replace_official",
        help=REPLACE_OFFICIAL_HELP,
    )
    allow_shrink = c2.checkbox("데이터가 크게 줄어도 적재 (--allow-shrink)", key="admin_allow_shrink", help=SHRINK_HELP)
    has_xlsx = any(f.name.lower().endswith(".xlsx") for f in files or [])
    sheet = c1.text_input(
        "읽을 시트 (XLSX, --sheet)",
        key="admin_sheet",
        max_chars=31,  # Excel's limit for a sheet name
        disabled=not has_xlsx,
        help="생략하면 파일을 저장할 때 보이던 활성 시트를 읽습니다. 숨긴 시트는 읽지 않습니다.",
    )
    values = c2.text_area(
        "파일에 없는 열을 모든 행에 채움 (열=값, 한 줄에 하나, --value)",
        key="admin_values",
        height=68,
        help="예: 문서=D01. 열은 한국어 이름·영문 이름·별칭으로 씁니다. 파일에 이미 있는 열이면 거부합니다.",
    )
    if not files:
        _audit(upload)
        return
    uploads = [upload.Upload(f.name, f.getvalue()) for f in files]
    options = upload.Options(
        batch=(batch.strip() or None) if len(uploads) == 1 else None,
        table=None if table == AUTO_TABLE else table,
        triangle=None if triangle == NO_TRIANGLE else triangle,
        accept_total_differences=accept,
        sheet=(sheet.strip() or None) if has_xlsx else None,
        values=tuple(line.strip() for line in values.splitlines() if line.strip()),
        replace_official=replace_official,
        allow_shrink=allow_shrink,
    )
    checked = (tuple((u.name, u.sha256) for u in uploads), options)
    if st.button("검증하고 미리 보기", key="admin_preview", type="secondary"):
        with st.spinner("검사하는 중 …"):
            result = upload.preview(uploads, options)
        upload.audit(who.audit_name(), "validate", uploads, options, result)
        st.session_state[PREVIEW] = (checked, result)
    stored = st.session_state.get(PREVIEW)
    if stored is not None and stored[0] == checked:
        result = stored[1]
        if not result.ok:
            _problems(result)
        else:
            st.info("검사를 통과했습니다. 아직 아무것도 바뀌지 않았습니다.", icon="🔍")
            _changes(result, done=False)
            if st.button("적재 확정", key="admin_load", type="primary"):
                with st.spinner("적재하고 데이터 파일을 다시 만드는 중 …"):
                    done = upload.load(uploads, options)
                upload.audit(who.audit_name(), "load", uploads, options, done)
                st.session_state.pop(PREVIEW, None)
                if done.ok:
                    st.session_state[LOADED] = done
                    st.session_state[UPLOADER] = generation + 1
                    st.rerun()
                _problems(done)
    _audit(upload)


frame.run_page("admin", render, filters=False)
