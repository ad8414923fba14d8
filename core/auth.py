"""Who is reading: sign-in over OIDC (Streamlit's ``st.login``), roles from the ID token, and the rule that
keeps a dashboard without sign-in on the local machine.

- With an ``[auth]`` section in ``.streamlit/secrets.toml`` every page asks for sign-in; the ID token's claims
  give the role (``[dashboard.roles]``: which claim, which values mean 관리자; anyone else is 열람자) and
  optionally the 기관 the filter starts with (``[dashboard.scope]``).
- Without ``[auth]`` the dashboard is open, but only while the server is bound to a loopback address and the
  request did not come through a proxy; in that local open mode whoever is at the machine is an admin (they
  could run ``python -m core ingest`` just as well). Bound to any other address it serves nothing, and
  ``python3 run.py app`` refuses to start it (``python -m core.auth --server.address …`` is that check).
"""

from __future__ import annotations

import ipaddress
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

ADMIN = "admin"
VIEWER = "viewer"
ROLE_LABELS = {ADMIN: "관리자", VIEWER: "열람자"}
DEFAULT_ROLE_CLAIM = "roles"
LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}
SECRETS_TEMPLATE = ".streamlit/secrets.toml.example"

REFUSAL = (
    "로그인 설정이 없어 대시보드를 열지 않습니다: 서버 주소 {address}은(는) 이 컴퓨터 밖에서도 접속할 수 있습니다. "
    ".streamlit/secrets.toml에 [auth] 절(redirect_uri, cookie_secret, client_id, client_secret, "
    "server_metadata_url)을 채우거나(" + SECRETS_TEMPLATE + " 참고), 이 컴퓨터에서만 보려면 "
    "server.address를 127.0.0.1로 두세요."
)
PROXIED_REFUSAL = (
    "로그인 설정이 없어 대시보드를 열지 않습니다: 이 요청은 다른 주소({host})나 프록시를 거쳐 왔습니다. "
    "로그인 없이 여는 것은 이 컴퓨터(127.0.0.1, localhost)에서 직접 열 때뿐입니다. "
    ".streamlit/secrets.toml에 [auth] 절을 채우세요(" + SECRETS_TEMPLATE + " 참고)."
)


@dataclass(frozen=True)
class Identity:
    name: str  # what the sidebar and the audit log show
    subject: str  # the provider's stable id (sub), or 'local' in open mode
    email: str | None
    role: str  # ADMIN or VIEWER
    agency: str | None = None  # the 기관 the filter starts with, from the token's claim
    open_mode: bool = False  # no sign-in configured: local loopback use

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    @property
    def label(self) -> str:
        return f"{self.name} ({ROLE_LABELS[self.role]})"

    def audit_name(self) -> str:
        """Who, for the audit log: the e-mail or subject a provider vouches for, or the OS user in open mode."""
        if self.open_mode:
            return f"local:{_os_user()}"
        return self.email or self.subject


def _os_user() -> str:
    try:
        import getpass

        return getpass.getuser()
    except Exception:  # no user name in a container without a passwd entry
        return str(os.getuid())


# ---------------------------------------------------------------- configuration


def _section(secrets: Mapping, *path: str) -> Mapping:
    node: object = secrets
    for key in path:
        try:
            node = node.get(key) if isinstance(node, Mapping) else None
        except Exception:
            return {}
        if node is None:
            return {}
    return node if isinstance(node, Mapping) else {}


def _secrets() -> Mapping:
    """st.secrets, or nothing when there is no secrets file."""
    import streamlit as st

    try:
        return {k: st.secrets[k] for k in st.secrets}
    except Exception:  # no secrets.toml (Streamlit raises on the first access), or one that does not parse
        return {}


def auth_configured(secrets: Mapping | None = None) -> bool:
    """An ``[auth]`` section exists (Streamlit then offers st.login)."""
    secrets = _secrets() if secrets is None else secrets
    return bool(_section(secrets, "auth"))


def is_loopback(address: str | None) -> bool:
    """Bound to this machine only. An empty address is every interface (Streamlit's default)."""
    host = (address or "").strip().strip("[]")
    if not host:
        return False
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _host_of(header: str) -> str:
    header = header.strip()
    if header.startswith("["):
        return header[1:].split("]")[0]
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def _forwarded_clients(lowered: Mapping[str, str]) -> list[str]:
    """Every client address the proxies in front recorded. Proxies append to X-Forwarded-For (a client cannot
    take an address out of it), so a chain of loopback addresses only means the browser is on this machine."""
    clients = [a.strip() for a in lowered.get("x-forwarded-for", "").split(",") if a.strip()]
    clients += [lowered["x-real-ip"].strip()] if "x-real-ip" in lowered else []
    for part in lowered.get("forwarded", "").replace(";", ",").split(","):
        key, _, value = part.strip().partition("=")
        if key.lower() == "for":
            clients.append(value.strip('"'))
    return clients


def request_is_local(headers: Mapping[str, str]) -> bool:
    """The browser asked for a loopback host on this machine: directly, or through proxies on this machine
    only (the loopback nginx of ``run.py serve``). Headers absent: not a browser."""
    lowered = {k.lower(): v for k, v in headers.items()}
    if "x-forwarded-host" in lowered and not is_loopback(_host_of(lowered["x-forwarded-host"])):
        return False
    if not all(is_loopback(_host_of(c)) for c in _forwarded_clients(lowered)):
        return False
    host = lowered.get("host")
    return host is None or is_loopback(_host_of(host))


def role_of(claims: Mapping, secrets: Mapping) -> str:
    """ADMIN when the configured claim holds one of the configured admin values, else VIEWER."""
    roles = _section(secrets, "dashboard", "roles")
    claim = str(roles.get("claim", DEFAULT_ROLE_CLAIM))
    admin_values = roles.get("admin", [])
    admin_values = {admin_values} if isinstance(admin_values, str) else {str(v) for v in admin_values}
    value = claims.get(claim)
    held = {value} if isinstance(value, str) else {str(v) for v in value} if isinstance(value, Sequence) else set()
    return ADMIN if held & admin_values else VIEWER


def agency_of(claims: Mapping, secrets: Mapping) -> str | None:
    claim = _section(secrets, "dashboard", "scope").get("agency_claim")
    value = claims.get(str(claim)) if claim else None
    if isinstance(value, Sequence) and not isinstance(value, str):
        value = value[0] if value else None
    return str(value).strip() or None if value is not None else None


def identity_from_claims(claims: Mapping, secrets: Mapping) -> Identity:
    subject = str(claims.get("sub") or claims.get("email") or "?")
    email = claims.get("email")
    name = claims.get("name") or claims.get("preferred_username") or email or subject
    return Identity(
        name=str(name),
        subject=subject,
        email=str(email) if email else None,
        role=role_of(claims, secrets),
        agency=agency_of(claims, secrets),
    )


# ---------------------------------------------------------------- inside a page


def current() -> Identity | str | None:
    """The signed-in reader; None when sign-in is configured and nobody is signed in; a Korean sentence (the
    refusal) when the dashboard must not be served at all."""
    import streamlit as st

    secrets = _secrets()
    if auth_configured(secrets):
        claims = st.user.to_dict()
        if not claims.get("is_logged_in"):
            return None
        return identity_from_claims(claims, secrets)
    address = st.get_option("server.address")
    if not is_loopback(address):
        return REFUSAL.format(address=address or "(모든 주소, 0.0.0.0)")
    try:
        headers = dict(st.context.headers)
    except Exception:  # outside a browser session (headless tests) there are no headers
        headers = {}
    if not request_is_local(headers):
        return PROXIED_REFUSAL.format(host=headers.get("Host") or headers.get("host") or "?")
    return Identity(name="로컬 사용자", subject="local", email=None, role=ADMIN, open_mode=True)


# ---------------------------------------------------------------- before the server starts


def _flag(args: list[str], name: str) -> str | None:
    """The value of ``--name VALUE`` or ``--name=VALUE`` in streamlit's arguments (the last one wins)."""
    value = None
    for i, a in enumerate(args):
        if a == f"--{name}" and i + 1 < len(args):
            value = args[i + 1]
        elif a.startswith(f"--{name}="):
            value = a.split("=", 1)[1]
    return value


def startup_problem(args: list[str]) -> str | None:
    """What keeps ``streamlit run app.py ARGS`` from being started, from the same config Streamlit reads."""
    from streamlit import config
    from streamlit.runtime.secrets import secrets_singleton

    flags = {}
    for option in ("server.address", "secrets.files"):
        value = _flag(args, option)
        if value is None:  # streamlit's command line reads STREAMLIT_SERVER_ADDRESS and the like too
            value = os.environ.get("STREAMLIT_" + option.upper().replace(".", "_"))
        if value is not None:
            flags[option] = [value] if option == "secrets.files" else value
    config.get_config_options(force_reparse=True, options_from_flags=flags)
    try:
        secrets = (
            {k: secrets_singleton[k] for k in secrets_singleton} if secrets_singleton.load_if_toml_exists() else {}
        )
    except Exception:
        secrets = {}
    if auth_configured(secrets):
        return None
    address = config.get_option("server.address")
    return None if is_loopback(address) else REFUSAL.format(address=address or "(모든 주소, 0.0.0.0)")


def main(argv: list[str]) -> int:
    problem = startup_problem(argv)
    if problem:
        print(problem, file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
