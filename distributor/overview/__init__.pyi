from .counts import Overview, RecentBounce, overview
from .desk import (
    EmbargoLift,
    SendOutLine,
    recent_sendouts,
    release_title,
    sendout_lines,
    upcoming_embargo_lifts,
    upcoming_sendouts,
)
from .export import COLUMNS, RecipientsFormat, export_recipients
from .rates import WINDOWS, Engagement, Rate, Week, engagement
from .recipients import (
    STATE_WORDS,
    Recipient,
    RecipientState,
    all_recipients,
    count_recipients,
    recipients,
    recipients_page,
)
from .report import OUTLETS_SHOWN, Group, LinkClicks, SendOutFigures, link_clicks, sendout_figures
from .results import OPENS_CAVEAT, REACTIONS, Results, bounce_reasons, sendout_results, share, tally

__all__ = [
    "COLUMNS",
    "OPENS_CAVEAT",
    "OUTLETS_SHOWN",
    "REACTIONS",
    "STATE_WORDS",
    "WINDOWS",
    "EmbargoLift",
    "Engagement",
    "Group",
    "LinkClicks",
    "Overview",
    "Rate",
    "RecentBounce",
    "Recipient",
    "RecipientState",
    "RecipientsFormat",
    "Results",
    "SendOutFigures",
    "SendOutLine",
    "Week",
    "all_recipients",
    "bounce_reasons",
    "count_recipients",
    "engagement",
    "export_recipients",
    "link_clicks",
    "overview",
    "recent_sendouts",
    "recipients",
    "recipients_page",
    "release_title",
    "sendout_figures",
    "sendout_lines",
    "sendout_results",
    "share",
    "tally",
    "upcoming_embargo_lifts",
    "upcoming_sendouts",
]
