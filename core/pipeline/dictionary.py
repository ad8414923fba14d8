"""Render the data dictionary (README section) from the schema, so the two cannot drift apart."""

from __future__ import annotations

from .schema import BATCH_COLUMN, TABLES

BEGIN = "<!-- data-dictionary:begin -->"
END = "<!-- data-dictionary:end -->"


def render() -> str:
    out = [BEGIN, ""]
    for t in TABLES.values():
        out.append(f"### `{t.name}` — {t.label}")
        out.append("")
        out.append(t.description + f" 키: ({', '.join(t.key)}).")
        out.append("")
        out.append("| 열 | 한국어 이름 | 형식 | 단위 | 필수 | 뜻 |")
        out.append("|---|---|---|---|---|---|")
        for c in (*t.columns, BATCH_COLUMN):
            meaning = c.description.replace("|", "/")
            if c.choices:
                meaning += f" (값: {', '.join(c.choices)})"
            out.append(
                f"| `{c.name}` | {c.label} | {c.dtype} | {c.unit_text or '-'} | {'예' if c.required else ''} | {meaning} |"
            )
        out.append("")
    out.append(END)
    return "\n".join(out)


if __name__ == "__main__":
    print(render())
