"""A model's timeline as inline SVG (the same in the HTML and the PDF): the period as an axis, one row per event
(registered, approved, deployed, and every change), each with when and who; events before the period sit in a band
on the left with their date. An event a finding names is drawn as a red diamond with "!" and its row says which
check, so a violation never rests on colour alone; findings about the model as a whole head the picture. The
``<title>`` and ``<desc>`` say the same in words, and the card's event table is its text equivalent."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from html import escape

from markupsafe import Markup

from .charts import Label, labelled

W, BAND, RIGHT, ROW = 680, 96, 12, 15
RED, INK, MUTED = "#b42318", "#1d2433", "#667085"
KIND_LABEL = {
    "registered": "registered", "registered_approved": "registered as Approved", "approved": "approved",
    "rejected": "rejected", "approval_withdrawn": "approval withdrawn", "deployed": "deployed",
    "deployed_other": "endpoint changed", "deleted": "endpoint deleted",
}
KIND_COLOUR = {"registered": "#475467", "registered_approved": "#067647", "approved": "#067647",
               "rejected": "#a15c07", "approval_withdrawn": "#a15c07", "deployed": "#1d4ed8",
               "deployed_other": "#1d4ed8", "deleted": "#a15c07"}


def short_actor(actor: str | None) -> str | None:
    """``carol (role arn:aws:iam::1:role/ml-approver)`` -> ``carol (ml-approver)``: the full ARN is in the table."""
    if not actor:
        return None
    m = re.fullmatch(r"(.+) \(role arn:aws:iam::\d+:role/(?:.*/)?([^/]+)\)", actor)
    return f"{m.group(1)} ({m.group(2)})" if m else actor


def kind_label(e: dict) -> str:
    if e["kind"].startswith("mlflow_"):
        return e["detail"]
    return KIND_LABEL.get(e["kind"], e["kind"])


def event_text(e: dict, mlflow: bool) -> str:
    """One line: when, what, who."""
    if mlflow and e["kind"].startswith("mlflow_"):
        when = f"between {e['since']:%m-%d %H:%M} and {e['at']:%m-%d %H:%M}"
    else:
        when = f"{e['at']:%Y-%m-%d %H:%M}" if e["at"] else "time not recorded"
    who = short_actor(e.get("actor")) or ("no actor (MLflow records none)" if mlflow else "no actor recorded")
    return f"{when} {kind_label(e)}, {who}"


CHAR_W = 5.6  # at most the width of one character of 8.5 px DejaVu Sans, bold


def svg_label(e: dict, mlflow: bool) -> str:
    """The picture's short line for an event (the history table has it in full): when, what, who."""
    if mlflow and e.get("since") is not None:
        return f"by {e['at']:%m-%d} {kind_label(e)}"
    who = short_actor(e.get("actor"))
    return f"{e['at']:%m-%d %H:%M} {kind_label(e)}" + (f", {who}" if who else ("" if mlflow else ", no actor recorded"))


def _side(x: float, labels: list[str], left_of: float | None = None) -> bool:
    """Right of the mark at ``x`` when the labels fit there, else left of it (of ``left_of``, where a bar ends on
    the left) when they fit there, else the roomier side."""
    room_right, room_left = W - RIGHT - (x + 9), (x if left_of is None else left_of) - 9 - 2
    need = max(len(t) for t in labels) * CHAR_W
    if need <= room_right:
        return True
    return False if need <= room_left else room_right >= room_left


def _fit(x: float, right: bool, label: str) -> str:
    """``label`` cut with an ellipsis to the room on its side of ``x`` (the mark, or the bar's left end)."""
    room = W - RIGHT - (x + 9) if right else x - 9 - 2
    return label if len(label) * CHAR_W <= room else label[: max(int(room / CHAR_W) - 1, 4)] + "…"


def _x(t: datetime, start: datetime, end: datetime) -> float:
    span = (end - start).total_seconds()
    return BAND + 8 + (W - BAND - 8 - RIGHT) * max(0.0, min(1.0, (t - start).total_seconds() / span))


def _marker(kind: str, x: float, y: float, violation: bool) -> str:
    if violation:
        return (f'<path d="M{x:.1f} {y - 6} L{x + 6:.1f} {y} L{x:.1f} {y + 6} L{x - 6:.1f} {y} Z" fill="{RED}"/>'
                f'<rect x="{x - 0.9:.1f}" y="{y - 3.5}" width="1.8" height="4.5" fill="#fff"/>'
                f'<rect x="{x - 0.9:.1f}" y="{y + 2}" width="1.8" height="1.8" fill="#fff"/>')  # "!", drawn
    colour = KIND_COLOUR.get(kind, "#475467")
    if kind in ("deployed", "deployed_other", "deleted"):
        fill = colour if kind == "deployed" else "#fff"
        return (f'<rect x="{x - 4:.1f}" y="{y - 4}" width="8" height="8" fill="{fill}" stroke="{colour}" '
                'stroke-width="1.5"/>')
    if kind in ("approved", "registered_approved"):
        return f'<path d="M{x - 4.5:.1f} {y + 4} L{x:.1f} {y - 5} L{x + 4.5:.1f} {y + 4} Z" fill="{colour}"/>'
    fill = colour if kind != "rejected" else "#fff"
    return f'<circle cx="{x:.1f}" cy="{y}" r="4" fill="{fill}" stroke="{colour}" stroke-width="1.5"/>'


def model_timeline(card, start: datetime, end: datetime) -> Markup:
    """The timeline of one model card (:class:`.model_cards.ModelCard`) over the period ``start`` .. ``end``."""
    mlflow = card.platform == "mlflow"
    events = [e for e in card.events if e["at"] is not None]
    banner = [f"! finding: {v.check_id} ({v.severity})" for v in card.violations]
    if mlflow:  # said on the picture itself: no point has a who
        banner.append("MLflow records no actor: no event has a who; each change lies between two snapshots (bar)")
    top = 6 + 13 * len(banner)
    axis_y = top + 16
    h = axis_y + 8 + ROW * max(len(events), 1) + 10 * sum(1 for e in events if e.get("violations")) + 6
    uid = re.sub(r"[^A-Za-z0-9_-]", "-", card.anchor)
    flagged = [e for e in events if e.get("violations")]
    title = (f"Timeline of {card.title}: {len(events)} event{'s' if len(events) != 1 else ''}"
             + (f", {len(flagged)} named by a finding" if flagged else "")
             + (f"; {len(card.violations)} failing check{'s' if len(card.violations) != 1 else ''} name this model"
                if card.violations else "; no finding names this model"))
    desc = "; ".join(event_text(e, mlflow) + (" [violation: " + ", ".join(e["violations"]) + "]"
                                              if e.get("violations") else "") for e in events) or "No dated event."
    labels: list[Label] = []
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-timeline" viewBox="0 0 {W} {h}" '
             f'width="{W}" height="{h}" role="img" aria-labelledby="tl-{uid}-t" aria-describedby="tl-{uid}-d">',
             f'<title id="tl-{uid}-t">{escape(title)}</title><desc id="tl-{uid}-d">{escape(desc)}</desc>']
    for i, line in enumerate(banner):
        labels.append(Label(2, 6 + 13 * i + 9, line, 9, tone="bad" if line.startswith("!") else "muted"))
    # the period axis, and the band for what happened before it
    parts.append(f'<rect x="0" y="{axis_y - 12}" width="{BAND}" height="{h - axis_y + 12}" fill="#f2f4f7"/>')
    labels.append(Label(BAND / 2, axis_y - 3, f"before {start:%Y-%m-%d}", 8, "middle"))
    parts.append(f'<line x1="{BAND + 8}" y1="{axis_y}" x2="{W - RIGHT}" y2="{axis_y}" stroke="{INK}" '
                 'stroke-width="1"/>')
    d = start
    while d < end:
        if d.day == 1 or d.day % 5 == 0:
            x = _x(d, start, end)
            parts.append(f'<line x1="{x:.1f}" y1="{axis_y - 3}" x2="{x:.1f}" y2="{axis_y + 3}" stroke="{INK}"/>')
            labels.append(Label(x, axis_y - 5, f"{d:%m-%d}", 8, "middle"))
        d += timedelta(days=1)
    if not events:
        labels.append(Label(BAND + 12, axis_y + 16, "No dated event recorded.", 9))
    y = axis_y + 16
    for e in events:
        before = e["at"] < start
        x = BAND / 2 if before else _x(e["at"], start, end)
        bad = bool(e.get("violations"))
        if not before:
            parts.append(f'<line x1="{x:.1f}" y1="{axis_y}" x2="{x:.1f}" y2="{y}" stroke="#d0d5dd" '
                         'stroke-dasharray="2,2"/>')
        x0 = None  # where the bar of an MLflow change (between two snapshots) begins
        if mlflow and e.get("since") is not None and e["kind"].startswith("mlflow_"):
            x0 = BAND / 2 if e["since"] < start else _x(e["since"], start, end)
            parts.append(f'<rect x="{x0:.1f}" y="{y - 2}" width="{max(x - x0, 1):.1f}" height="4" fill="#98a2b3">'
                         f"<title>observed between the snapshots of {human(e['since'])} and {human(e['at'])}"
                         "</title></rect>")
        parts.append(_marker(e["kind"], x, y, bad))
        # a named event: a second line, red and bold, says which checks name it
        lines = [svg_label(e, mlflow)] + (["! " + ", ".join(e["violations"])] if bad else [])
        right = _side(x, lines, x0)
        at = x if right or x0 is None else x0
        lx, anchor = (at + 9, "start") if right else (at - 9, "end")
        for j, line in enumerate(lines):
            labels.append(Label(lx, y + 3 + 10 * j, _fit(at, right, line), 8.5, anchor, "bad" if bad else "ink"))
        y += ROW + (10 if bad else 0)
    parts.append("</svg>")
    return labelled("".join(parts), labels, W, h)


def human(t: datetime) -> str:
    return f"{t:%Y-%m-%d %H:%M}"
