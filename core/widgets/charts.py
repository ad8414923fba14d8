"""Plotly figures for the pages, built from graph_objects traces.

plotly.express spends about 40 ms per figure on argument handling, more than a whole page's
queries at 1M rows; a figure assembled from a few traces takes 2–3 ms and looks the same.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

AMOUNT_TICKS = ",~f"
# Okabe–Ito: told apart under red–green colour blindness; series are also named in the legend.
COLORWAY = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
# Rates run light → dark blue (cividis-like, readable without red–green); each bar also prints its value.
RATE_SCALE = [[0, "#c6dbef"], [0.5, "#4292c6"], [1, "#08306b"]]
# Bars and lines are drawn over categories (a year, a month, a task): never a numeric or date axis, which would
# print 2,023.5 between years or 'Jan 2017' for a month.
CATEGORY_AXIS = {"type": "category"}
# No plotly tool bar: on a phone it covers the legend, and tables carry the downloads.
CHART_CONFIG = {"displayModeBar": False}
# Legends above the plot, left-aligned, in one row that wraps: not over the bars at 390 px.
LEGEND = {"orientation": "h", "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom", "title": {"text": ""}}


@dataclass(frozen=True)
class RowLayout:
    """Height of a horizontal bar chart with one row per item: readable labels however many rows."""

    per_row: int  # pixels per row of bars
    chrome: int  # axes, legend and margins
    minimum: int

    def height(self, rows: int) -> int:
        return max(self.minimum, self.per_row * rows + self.chrome)


CHART_BARS = 20  # a bar chart draws this many rows (tasks, items); the rest are a toggle or the table away

GROUPED_BARS = RowLayout(per_row=38, chrome=120, minimum=320)  # up to three bars (본예산, 예산현액, 집행액) a row
RATE_BARS = RowLayout(per_row=30, chrome=100, minimum=300)  # one bar a row


def chart_text(value):
    """A name from data as plotly draws it literally: plotly reads tags such as <a href> and <img> in tick and
    legend text, so '<', '>' and '&' go in as entities and show as typed."""
    if not isinstance(value, str):
        return value
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _text(column: pd.Series) -> pd.Series:
    return column.map(chart_text) if column.dtype == object or pd.api.types.is_string_dtype(column) else column


def _groups(df: pd.DataFrame, color: str | None):
    if color is None:
        yield None, df
        return
    for key in pd.unique(df[color]):  # order of first appearance, like plotly.express
        yield key, df[df[color] == key]


def bar(
    df: pd.DataFrame,
    x: str,
    y: str,
    *,
    color: str | None = None,
    horizontal: bool = False,
    barmode: str = "relative",
    height: int = 320,
    x_title: str | None = None,
    y_title: str | None = None,
    title: str | None = None,
    reverse_categories: bool = False,
) -> go.Figure:
    """One bar trace per value of ``color`` (value axis is y, or x when ``horizontal``)."""
    fig = go.Figure()
    for key, part in _groups(df, color):
        fig.add_bar(
            x=_text(part[x]),
            y=_text(part[y]),
            name=None if key is None else chart_text(str(key)),
            orientation="h" if horizontal else "v",
            showlegend=key is not None,
        )
    value_axis = {"tickformat": AMOUNT_TICKS}
    category_axis = {**CATEGORY_AXIS, **({"autorange": "reversed"} if reverse_categories else {})}
    fig.update_layout(
        colorway=COLORWAY,
        barmode=barmode,
        height=height,
        title=title,
        legend=LEGEND,
        margin={"t": 70 if title else 40, "l": 10, "r": 10},
        xaxis={**(value_axis if horizontal else category_axis), "title": x_title if x_title is not None else x},
        yaxis={**(category_axis if horizontal else value_axis), "title": y_title if y_title is not None else y},
    )
    return fig


def rate_bar(
    df: pd.DataFrame, rate: str, label: str, *, height: int, marker_at: float | None = None, marker_text: str = ""
) -> go.Figure:
    """Horizontal bars of a percentage, light → dark blue over 0–100 %, each labelled with its value."""
    fig = go.Figure(
        go.Bar(
            x=df[rate],
            y=_text(df[label]),
            orientation="h",
            text=[f"{v:.1f}%" for v in pd.to_numeric(df[rate], errors="coerce").astype("float64")],
            textposition="outside",
            cliponaxis=False,
            marker={"color": df[rate], "cmin": 0, "cmax": 100, "showscale": False, "colorscale": RATE_SCALE},
        )
    )
    if marker_at is not None:
        fig.add_vline(x=marker_at, line_dash="dot", annotation_text=marker_text)
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 30},
        xaxis={"title": rate, "tickformat": AMOUNT_TICKS},
        yaxis={**CATEGORY_AXIS, "title": ""},
    )
    return fig


def line(
    df: pd.DataFrame,
    x: str,
    series: dict[str, str],
    *,
    height: int = 320,
    y_title: str = "",
    title: str | None = None,
    markers: bool = False,
) -> go.Figure:
    """One line per column in ``series`` ({column: legend name})."""
    fig = go.Figure()
    for column, name in series.items():
        fig.add_scatter(
            x=_text(df[x]),
            y=df[column],
            name=chart_text(name),
            mode="lines+markers" if markers else "lines",
            showlegend=len(series) > 1,
        )
    fig.update_layout(
        colorway=COLORWAY,
        height=height,
        title=title,
        legend=LEGEND,
        margin={"t": 70 if title else 40},
        xaxis={**CATEGORY_AXIS, "title": x},
        yaxis={"title": y_title, "tickformat": AMOUNT_TICKS},
    )
    return fig
