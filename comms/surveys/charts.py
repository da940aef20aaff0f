"""Plotly figures of a survey's results, as HTML fragments (the page loads plotly.js)."""

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from .queries import DETRACTOR, PROMOTER, Group, Results

GREEN, RED, BLUE, GREY, AMBER = "#2e9d5b", "#d64545", "#2f6db5", "#6c757d", "#e0a100"
CONFIG = {"displaylogo": False, "responsive": True}


def _html(fig: go.Figure, height: int = 360) -> str:
    fig.update_layout(
        height=height,
        margin={"l": 50, "r": 30, "t": 50, "b": 40},
        template="plotly_white",
        showlegend=False,
    )
    return fig.to_html(full_html=False, include_plotlyjs=False, config=CONFIG)


def scores(results: Results) -> str:
    """How many gave each score, detractors red, passives grey, promoters green."""
    colors = [RED if n <= DETRACTOR else GREEN if n >= PROMOTER else GREY for n in range(11)]
    fig = go.Figure(go.Bar(x=list(range(11)), y=results.scores, marker_color=colors))
    fig.update_layout(title=_("Scores"), yaxis_title=_("Responses"))
    fig.update_xaxes(dtick=1, title_text=_("Likelihood to recommend, 0–10"))
    return _html(fig)


def nps_groups(title: str, groups: list[Group]) -> str:
    """NPS of each group with its 95% interval as error bars."""
    shown = [g for g in groups if g.nps.n]
    fig = go.Figure(
        go.Bar(
            x=[f"{g.label}<br>n = {g.nps.n}" for g in shown],
            y=[g.nps.score for g in shown],
            marker_color=[GREEN if g.nps.score >= 0 else RED for g in shown],
            error_y={
                "type": "data",
                "symmetric": False,
                "array": [g.nps.high - g.nps.score for g in shown],
                "arrayminus": [g.nps.score - g.nps.low for g in shown],
                "color": GREY,
            },
            customdata=[[g.nps.n, g.nps.low, g.nps.high] for g in shown],
            hovertemplate=_(
                "NPS %{y:.0f} (%{customdata[1]:.0f} to %{customdata[2]:.0f}), n = %{customdata[0]}"
            )
            + "<extra></extra>",
        )
    )
    fig.update_layout(title=title, yaxis_title="NPS")
    fig.update_yaxes(range=[-100, 100], zeroline=True)
    return _html(fig)


def channels(results: Results) -> list[str]:
    """The channels' mean ratings, and the shares who would miss them, best first."""
    rated = sorted((c for c in results.channels if c.mean is not None), key=lambda c: c.mean)
    missed = sorted(results.channels, key=lambda c: c.miss_share or 0)
    height = max(320, 60 + 26 * len(results.channels))
    figures = []
    if rated:
        fig = go.Figure(
            go.Bar(
                y=[c.label for c in rated],
                x=[c.mean for c in rated],
                orientation="h",
                marker_color=BLUE,
                text=[f"{c.mean:.2f}" for c in rated],
                textposition="outside",
                customdata=[c.rated for c in rated],
                hovertemplate=_("%{y}: %{x:.2f}, n = %{customdata}") + "<extra></extra>",
            )
        )
        fig.update_layout(title=_("Mean rating"))
        fig.update_xaxes(range=[0, 5.6])
        figures.append(_html(fig, height))
    if any(c.miss for c in missed):
        fig = go.Figure(
            go.Bar(
                y=[c.label for c in missed],
                x=[c.miss_share for c in missed],
                orientation="h",
                marker_color=AMBER,
                text=[f"{c.miss_share:.0f}%" for c in missed],
                textposition="outside",
            )
        )
        fig.update_layout(title=_("Would miss it, % of respondents"))
        fig.update_xaxes(range=[0, min(100, 1.2 * max(c.miss_share for c in missed) + 5)])
        figures.append(_html(fig, height))
    return figures
