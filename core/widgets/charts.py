"""Plotly figures for the pages, built from graph_objects traces.

plotly.express spends about 40 ms per figure on argument handling, more than a whole page's
queries at 1M rows; a figure assembled from a few traces takes 2–3 ms and looks the same.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

AMOUNT_TICKS = ",~f"


@dataclass(frozen=True)
class RowLayout:
    """Height of a horizontal bar chart with one row per item: readable labels however many rows."""

    per_row: int  # pixels per row of bars
    chrome: int  # axes, legend and margins
    minimum: int

    def height(self, rows: int) -> int:
        return max(self.minimum, self.per_row * rows + self.chrome)


GROUPED_BARS = RowLayout(per_row=38, chrome=120, minimum=320)  # up to three bars (본예산, 예산현액, 집행액) a row
RATE_BARS = RowLayout(per_row=30, chrome=100, minimum=300)  # one bar a row


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
            x=part[x],
            y=part[y],
            name=None if key is None else str(key),
            orientation="h" if horizontal else "v",
            showlegend=key is not None,
        )
    value_axis = {"tickformat": AMOUNT_TICKS}
    category_axis = {"autorange": "reversed"} if reverse_categories else {}
    fig.update_layout(
        barmode=barmode,
        height=height,
        title=title,
        legend_title_text="",
        margin={"t": 40 if title else 10, "l": 10, "r": 10},
        xaxis={**(value_axis if horizontal else category_axis), "title": x_title if x_title is not None else x},
        yaxis={**(category_axis if horizontal else value_axis), "title": y_title if y_title is not None else y},
    )
    return fig


def rate_bar(
    df: pd.DataFrame, rate: str, label: str, *, height: int, marker_at: float | None = None, marker_text: str = ""
) -> go.Figure:
    """Horizontal bars of a percentage, coloured red → amber → green over 0–100 %."""
    fig = go.Figure(
        go.Bar(
            x=df[rate],
            y=df[label],
            orientation="h",
            marker={
                "color": df[rate],
                "cmin": 0,
                "cmax": 100,
                "showscale": False,
                "colorscale": [[0, "#c92a2a"], [0.5, "#f59f00"], [1, "#2b8a3e"]],
            },
        )
    )
    if marker_at is not None:
        fig.add_vline(x=marker_at, line_dash="dot", annotation_text=marker_text)
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 30},
        xaxis={"title": rate, "tickformat": AMOUNT_TICKS},
        yaxis={"title": ""},
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
            x=df[x], y=df[column], name=name, mode="lines+markers" if markers else "lines", showlegend=len(series) > 1
        )
    fig.update_layout(
        height=height,
        title=title,
        legend_title_text="",
        margin={"t": 40 if title else 10},
        xaxis={"title": x},
        yaxis={"title": y_title, "tickformat": AMOUNT_TICKS},
    )
    return fig
