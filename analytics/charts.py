"""Plotly figures of the analysis reports, rendered as HTML fragments (the page loads plotly.js)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import plotly.graph_objects as go
from django.utils.translation import gettext as _
from plotly.subplots import make_subplots

from .queries import BaseReport, ChurnInflowRow, TariffsReport, ratio

GREEN, RED, BLUE, GREY = "#2e9d5b", "#d64545", "#2f6db5", "#6c757d"
CONFIG = {"displaylogo": False, "responsive": True}


@dataclass(frozen=True)
class Chart:
    html: str
    half: bool = False  # half the page's width on a wide screen


def _html(fig: go.Figure, height: int = 420) -> str:
    fig.update_layout(
        height=height,
        margin={"l": 50, "r": 50, "t": 50, "b": 40},
        legend={"orientation": "h", "y": -0.12},
        template="plotly_white",
    )
    return fig.to_html(full_html=False, include_plotlyjs=False, config=CONFIG)


def _percent(value) -> float | None:
    return None if value is None else float(value) * 100


def churn_inflow(rows: list[ChurnInflowRow]) -> list[Chart]:
    """Connected (+) and terminated (−) bars with active at end; the churn rate below."""
    if not rows:
        return []
    months: dict = defaultdict(lambda: defaultdict(int))
    for r in rows:  # a split report is drawn for all the branches shown
        for name in ("active_start", "connected", "terminated", "active_end"):
            months[r.month][name] += getattr(r, name)
    x = sorted(months)
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        row_heights=[0.7, 0.3],
        vertical_spacing=0.08,
        specs=[[{"secondary_y": True}], [{}]],
    )
    fig.add_trace(
        go.Bar(x=x, y=[months[m]["connected"] for m in x], name=_("Connected"), marker_color=GREEN),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Bar(
            x=x,
            y=[-months[m]["terminated"] for m in x],
            name=_("Terminated"),
            marker_color=RED,
            customdata=[months[m]["terminated"] for m in x],
            hovertemplate="%{customdata}",
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=[months[m]["active_end"] for m in x],
            name=_("Active at end"),
            mode="lines+markers",
            line={"color": BLUE},
        ),
        row=1,
        col=1,
        secondary_y=True,
    )
    churn = [_percent(ratio(months[m]["terminated"], months[m]["active_start"])) for m in x]
    fig.add_trace(
        go.Scatter(
            x=x, y=churn, name=_("Churn rate, %"), mode="lines+markers", line={"color": GREY}
        ),
        row=2,
        col=1,
    )
    fig.update_layout(barmode="relative", title=_("Churn and inflow"), hovermode="x unified")
    fig.update_yaxes(title_text=_("Subscribers"), row=1, col=1, secondary_y=False, tickformat=",d")
    fig.update_yaxes(
        title_text=_("Active at end"),
        row=1,
        col=1,
        secondary_y=True,
        showgrid=False,
        tickformat=",d",
    )
    fig.update_yaxes(title_text=_("Churn rate, %"), row=2, col=1, rangemode="tozero")
    fig.update_xaxes(tickformat="%Y-%m", dtick="M1" if len(x) <= 24 else "M3")
    return [Chart(_html(fig, height=560))]


def base(report: BaseReport) -> list[Chart]:
    """Tenure and balance bands as bars; active subscribers as a branch × technology treemap."""
    if report.at is None or not report.totals.active_end:
        return []
    figures = []
    for bands, title, color in (
        (report.tenure, _("Tenure"), BLUE),
        (report.balance, _("Balance at the month's end"), GREEN),
    ):
        fig = go.Figure(
            go.Bar(
                x=[b.band for b in bands],
                y=[b.subscribers for b in bands],
                marker_color=color,
                text=[f"{_percent(b.share):.1f}%" if b.share is not None else "" for b in bands],
                textposition="outside",
            )
        )
        fig.update_layout(title=title, yaxis_title=_("Subscribers"))
        figures.append(Chart(_html(fig, height=380), half=True))

    cells: dict = defaultdict(int)
    for g in report.groups:
        if g.active_end:
            cells[(g.branch, g.technology)] += g.active_end
    branches: dict = defaultdict(int)
    for (branch, _technology), n in cells.items():
        branches[branch] += n
    ids = [f"b:{b}" for b in branches] + [f"b:{b}/t:{t}" for b, t in cells]
    fig = go.Figure(
        go.Treemap(
            ids=ids,
            labels=list(branches) + [t for _b, t in cells],
            parents=[""] * len(branches) + [f"b:{b}" for b, _t in cells],
            values=list(branches.values()) + list(cells.values()),
            branchvalues="total",
            textinfo="label+value+percent root",
        )
    )
    fig.update_layout(title=_("Active subscribers by branch and technology"))
    figures.append(Chart(_html(fig, height=460)))
    return figures


def tariffs(report: TariffsReport) -> list[Chart]:
    """Subscribers by tariff as a stacked area; migrations as a from × to heatmap."""
    figures = []
    if report.rows:
        months = sorted({r.month for r in report.rows})
        values = {(r.month, r.tariff): r.subscribers for r in report.rows}
        fig = go.Figure()
        for name in report.tariff_names:
            fig.add_trace(
                go.Scatter(
                    x=months,
                    y=[values.get((m, name), 0) for m in months],
                    name=name,
                    stackgroup="subscribers",
                    mode="lines",
                )
            )
        fig.update_layout(
            title=_("Subscribers by tariff"), yaxis_title=_("Subscribers"), hovermode="x unified"
        )
        fig.update_xaxes(tickformat="%Y-%m")
        figures.append(Chart(_html(fig, height=460)))
    if report.migrations:
        sources = sorted({m.from_tariff for m in report.migrations})
        targets = sorted({m.to_tariff for m in report.migrations})
        counts = {(m.from_tariff, m.to_tariff): m.subscribers for m in report.migrations}
        z = [[counts.get((s, t)) for t in targets] for s in sources]
        fig = go.Figure(
            go.Heatmap(
                x=targets,
                y=sources,
                z=z,
                colorscale="Blues",
                texttemplate="%{z}",
                hovertemplate=_("From %{y} to %{x}: %{z}") + "<extra></extra>",
            )
        )
        fig.update_layout(
            title=_("Migrations between tariffs"),
            xaxis_title=_("To tariff"),
            yaxis_title=_("From tariff"),
        )
        fig.update_yaxes(autorange="reversed")
        figures.append(Chart(_html(fig, height=max(360, 60 + 36 * len(sources)))))
    return figures
