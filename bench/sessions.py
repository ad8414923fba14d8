"""A reader without a browser: one Streamlit session driven over its WebSocket the way the front end drives it.

The load test needs many readers at once. In an office each reader's browser runs on that reader's PC and the
server only runs the page scripts and sends their results; 60 Chromium renderers on the server's own 2 cores would
measure Chromium instead. A ``WireSession`` costs the server what a browser session costs it — the page request,
the WebSocket (with its routing cookie and Origin, through nginx), a full script run per interaction with the
widget values and query string the front end would send — and costs the load generator little, because it only
decodes the messages (protobuf) instead of laying out and drawing them.

An interaction is timed from sending the rerun request until the server reports the script run finished
(``script_finished``), after every element of the page has arrived. Drawing in the browser is not included;
``bench/browser.py`` measures that, one reader at a time, in Chromium.

When the connection drops (a replica killed), the session reconnects as the front end does — the same routing
cookie, a new WebSocket that nginx sends to a live replica — and repeats the interaction there, counting a
reconnect; the interaction's time includes the reconnect.
"""

from __future__ import annotations

import asyncio
import time
import urllib.request
from http.cookies import SimpleCookie

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

from core.nginx import DIRECT, STREAM_PATH

WIDGET_KINDS = ("selectbox", "multiselect", "radio")  # the filters a reader changes, by their label
RECONNECT_PAUSE_S = 0.5  # between reconnect attempts, as the front end backs off


class PageError(Exception):
    """The page showed an exception, or the script did not finish."""


class WireSession:
    def __init__(self, base: str, timeout: float):
        self.base = base  # http://127.0.0.1:PORT, the address a reader opens
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.pages: dict[str, str] = {}  # url path ('' for the entry page) → page script hash
        self.widgets: dict[str, tuple[str, str, list[str]]] = {}  # label → (kind, widget id, options)
        self.states: dict[str, WidgetState] = {}  # widget id → the value this reader set
        self.page_hash = ""
        self.query = ""
        self.reconnects = 0
        self._shown = ("", "")  # the page and query string of the last finished run: what the reader looks at
        self._ws = None

    # -- connection ---------------------------------------------------------------------------------------------

    def _get_index(self) -> None:
        """The page request a browser makes first: it sets the proxy's routing cookie."""
        request = urllib.request.Request(self.base + "/", headers=self._cookie_header())
        with DIRECT.open(request, timeout=self.timeout) as response:
            response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value

    def _cookie_header(self) -> dict[str, str]:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}

    async def _connect(self) -> None:
        url = "ws" + self.base.removeprefix("http") + STREAM_PATH
        self._ws = await websockets.connect(
            url,
            subprotocols=["streamlit"],
            origin=self.base,
            additional_headers=self._cookie_header(),
            max_size=None,
            open_timeout=self.timeout,
            ping_interval=None,
            proxy=None,  # loopback, as the page request above: never through an http_proxy of the environment
        )

    async def open(self, path: str = "") -> float:
        """A first visit: the page request, the WebSocket, the first script run. Returns its duration in s."""
        started = time.monotonic()
        await asyncio.to_thread(self._get_index)
        await self._connect()
        self.page_hash = self.pages.get(path, "")
        await self._run()
        return time.monotonic() - started

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()

    # -- interactions -------------------------------------------------------------------------------------------

    async def choose(self, label: str, option: str | list[str]) -> float:
        """Set the filter labelled ``label`` (a select box or radio to one option, a multiselect to a list)."""
        kind, widget_id, options = self.widgets[label]
        wanted = option if isinstance(option, list) else [option]
        missing = [o for o in wanted if o not in options]
        if missing:
            raise PageError(f"'{label}' has no option {missing}")
        state = WidgetState(id=widget_id)
        if kind == "multiselect":
            state.string_array_value.data.extend(wanted)
        else:
            state.string_value = wanted[0]
        self.states[widget_id] = state
        return await self._timed_run()

    async def go(self, path: str) -> float:
        """Move to another page from the navigation: the front end drops the query string on a page switch."""
        if path not in self.pages:
            raise PageError(f"no page '{path}' (known: {sorted(self.pages)})")
        self.page_hash, self.query = self.pages[path], ""
        return await self._timed_run()

    async def _timed_run(self) -> float:
        started = time.monotonic()
        await self._run()
        return time.monotonic() - started

    async def _run(self) -> None:
        deadline = time.monotonic() + self.timeout
        wanted = None  # after a reconnect: the page the reader asked for, run once the shown page is back
        while True:
            try:
                if wanted is not None:
                    # as the front end does on reconnecting: rerun the page it shows, with that page's URL query
                    # (the filters a fresh session on another replica starts from), then the reader's action
                    self.page_hash, self.query = self._shown
                    await self._send_rerun()
                    await self._until_finished(deadline)
                    if wanted != self.page_hash:  # a page move: the front end drops the query string
                        self.page_hash, self.query = wanted, ""
                    wanted = None
                await self._send_rerun()
                await self._until_finished(deadline)
                self._shown = (self.page_hash, self.query)
                return
            except (websockets.ConnectionClosed, OSError):
                if time.monotonic() > deadline:
                    raise PageError(f"no live server within {self.timeout:.0f} s") from None
                wanted = self.page_hash if wanted is None else wanted
                self.reconnects += 1
                await self._reconnect(deadline)

    async def _reconnect(self, deadline: float) -> None:
        while True:
            await asyncio.sleep(RECONNECT_PAUSE_S)
            try:
                await self._connect()
                return
            except (TimeoutError, OSError, websockets.InvalidHandshake):
                if time.monotonic() > deadline:
                    raise PageError(f"could not reconnect within {self.timeout:.0f} s") from None

    async def _send_rerun(self) -> None:
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query
        state.page_script_hash = self.page_hash
        state.widget_states.widgets.extend(self.states.values())
        await self._ws.send(msg.SerializeToString())

    async def _until_finished(self, deadline: float) -> None:
        seen: set[str] = set()
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise PageError(f"script not finished in {self.timeout:.0f} s")
            try:
                data = await asyncio.wait_for(self._ws.recv(), left)
            except TimeoutError:
                raise PageError(f"script not finished in {self.timeout:.0f} s") from None
            msg = ForwardMsg()
            msg.ParseFromString(data)
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                self.pages = {p.url_pathname: p.page_script_hash for p in msg.new_session.app_pages}
            elif kind == "navigation":
                self.pages = {p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages}
                self.page_hash = msg.navigation.page_script_hash or self.page_hash
            elif kind == "page_info_changed":
                self.query = msg.page_info_changed.query_string
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                element_kind = element.WhichOneof("type")
                if element_kind == "exception":
                    raise PageError(f"exception on the page: {element.exception.message[:120]}")
                if element_kind in WIDGET_KINDS:
                    widget = getattr(element, element_kind)
                    self.widgets[widget.label] = (element_kind, widget.id, list(widget.options))
                    seen.add(widget.id)
            elif kind == "session_event" and msg.session_event.WhichOneof("type") == "script_compilation_exception":
                raise PageError("the page script did not compile")
            elif kind == "script_finished":
                status = msg.script_finished
                if status == ForwardMsg.FINISHED_SUCCESSFULLY:
                    # the front end forgets the values of widgets the run did not draw
                    self.states = {k: v for k, v in self.states.items() if k in seen}
                    return
                if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    raise PageError("the page script did not compile")
                seen.clear()  # finished early for a rerun: the next run draws the page again
