"""The communications block's data, one module per part: messaging (templates, gateways,
contact rules, the outbox, campaigns), scripts (call scripts and the objection book), calls
(call records and call lists) and surveys."""

from .calls import Call, CallList, CallListEntry, CallObjection, CallResult, CallStep
from .messaging import (
    CalendarDay,
    Campaign,
    Channel,
    Contact,
    ContactKind,
    ContactPolicy,
    ContactRefusal,
    Gateway,
    IncomingMessage,
    Message,
    MessageTemplate,
    OptOut,
    Purpose,
)
from .scripts import Objection, ObjectionAnswer, ObjectionCategory, Script, ScriptVersion
from .surveys import Answer, Invitation, Question, Response, Survey, SurveyChannel

__all__ = [
    "Call",
    "CallList",
    "CallListEntry",
    "CallObjection",
    "CallResult",
    "CallStep",
    "Objection",
    "ObjectionAnswer",
    "ObjectionCategory",
    "Script",
    "ScriptVersion",
    "Channel",
    "Purpose",
    "Gateway",
    "MessageTemplate",
    "ContactKind",
    "ContactPolicy",
    "CalendarDay",
    "OptOut",
    "Contact",
    "ContactRefusal",
    "Campaign",
    "Message",
    "IncomingMessage",
    "Survey",
    "SurveyChannel",
    "Question",
    "Invitation",
    "Response",
    "Answer",
]
