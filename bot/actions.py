"""The button protocol: what a button asks for, as one typed action per kind of press.

Telegram hands back a button's data as an untrusted string of at most 64 bytes. This module is
the only place that writes or reads those strings: `encode` turns an action into data and
`decode` turns data back into an action, or None for data that is forged, cut off or from a
button sent before the content changed. Every field is checked against the knowledge base here
(a gemeente id, a sector the gemeente has, a section, a flow, a role); rows of the user's own
(a case number) are checked by the desk that owns them. Gemeente fields hold the gemeente's id;
`Knowledge.gemeente_by_id` gives its name. Gemeenten travel as their stable slug
id from regions.yaml, never as a position in a list, so a content edit that adds or reorders a
gemeente leaves old buttons pointing where they pointed, or refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, get_args

from bot.knowledge import Knowledge
from bot.replies import Button, number, rows

MAX_DATA = 64  # bytes, Telegram's limit for callback_data


@dataclass(frozen=True)
class Menu:
    pass


@dataclass(frozen=True)
class AskHelp:
    """"Vraag stellen": how to type a question."""


# --- onboarding and settings -------------------------------------------------------------------
@dataclass(frozen=True)
class Begin:
    pass


@dataclass(frozen=True)
class ChooseRole:
    role: str  # a profile role key; the onboarding desk checks it against its list


@dataclass(frozen=True)
class ChooseGemeente:
    gemeente: str  # the gemeente's stable id (regions.yaml), never its position


@dataclass(frozen=True)
class ChooseSector:
    sector: str


SettingsScreen = Literal["menu", "r", "g", "s"]


@dataclass(frozen=True)
class Settings:
    screen: SettingsScreen


# --- answers and walk-throughs -------------------------------------------------------------------
@dataclass(frozen=True)
class ShowSection:
    """The full passage ("Lees het hele stuk", "Lees verder")."""

    section: str


@dataclass(frozen=True)
class ShowCard:
    """The card of one section: the answer after an ask-back."""

    section: str


@dataclass(frozen=True)
class Routes:
    pass


@dataclass(frozen=True)
class StartFlow:
    flow: str


FlowMove = Literal["b", "r"]  # back, restart


@dataclass(frozen=True)
class FlowStep:
    epoch: int  # which run of a walk-through the button belongs to
    choice: int | FlowMove


# --- escalation tables and cases -------------------------------------------------------------------
@dataclass(frozen=True)
class ShowTable:
    gemeente: str | None = None  # a gemeente id; None: the user's own
    sector: str | None = None


@dataclass(frozen=True)
class ChooseTableGemeente:
    pass


@dataclass(frozen=True)
class TimelineStart:
    gemeente: str | None = None  # a gemeente id; None: the user's own gemeente and sector
    sector: str | None = None


CaseVerb = Literal["v", "d", "dd", "on", "off", "un", "st", "sv", "s1", "s7", "c", "ro", "ics"]
# Verbs about one step of the case: they carry the step's index, the others never do.
STEP_VERBS = ("st", "sv", "s1", "s7")


@dataclass(frozen=True)
class Cases:
    pass


@dataclass(frozen=True)
class CaseNew:
    pass


@dataclass(frozen=True)
class CaseChooseGemeente:
    pass


@dataclass(frozen=True)
class CaseGemeente:
    gemeente: str


@dataclass(frozen=True)
class CaseSector:
    sector: str


@dataclass(frozen=True)
class CaseToday:
    pass


@dataclass(frozen=True)
class CaseCancel:
    pass


@dataclass(frozen=True)
class CaseAction:
    """view, delete (ask), delete (done), reminders on/off, step undone, step taken (asks
    when), step taken today, remind again tomorrow / in a week, close, reopen, agenda file."""

    verb: CaseVerb
    case: int
    step: int | None = None  # for STEP_VERBS: the index of the step


@dataclass(frozen=True)
class CaseConfirmStart:
    """"Ja, klopt": a first day in the future was meant (it is in the dialogue state)."""


PushKind = Literal["dg", "fx"]  # the weekly digest; reminders of fixed dates


@dataclass(frozen=True)
class PushSetting:
    """The weekly digest or the fixed-date reminders on or off."""

    kind: PushKind
    on: bool


# The presses the case desk answers (bot/cases.py): all of them private.
CasePress = (
    Cases
    | CaseNew
    | CaseChooseGemeente
    | CaseGemeente
    | CaseSector
    | CaseToday
    | CaseCancel
    | CaseAction
    | CaseConfirmStart
    | PushSetting
)


# --- roles and the user's data ---------------------------------------------------------------------
@dataclass(frozen=True)
class Roles:
    role: str | None = None  # None: the list
    # A page of the list chosen in the list itself (1, 2, ...): it replaces the page on screen.
    # 0: the list opened from elsewhere (the menu), at its first page, as a new message.
    page: int = 0


@dataclass(frozen=True)
class Forget:
    confirm: bool


# --- feedback and admins ----------------------------------------------------------------------------
VoteKind = Literal["s", "r"]  # a section's answer card, a walk-through's outcome


@dataclass(frozen=True)
class Vote:
    """👍 or 👎 on an answer: counted per section (or per walk-through), never per user."""

    kind: VoteKind
    id: str  # a section id or a flow id
    up: bool

    @property
    def target(self) -> str:
        """The key the count is kept under: a section id, or `route:<flow id>`."""
        return self.id if self.kind == "s" else f"route:{self.id}"


@dataclass(frozen=True)
class PassOn:
    """"Vraag doorgeven aan de beheerders": the question itself is in memory, never in here."""


@dataclass(frozen=True)
class Updates:
    """Messages about changes to the routeboek on (True) or off, from /instellingen."""

    on: bool


@dataclass(frozen=True)
class BroadcastSend:
    """An admin confirms a broadcast prepared by /broadcast (its row in the database)."""

    broadcast: int


Action = (
    Menu
    | AskHelp
    | Begin
    | ChooseRole
    | ChooseGemeente
    | ChooseSector
    | Settings
    | ShowSection
    | ShowCard
    | Routes
    | StartFlow
    | FlowStep
    | ShowTable
    | ChooseTableGemeente
    | TimelineStart
    | CasePress
    | Roles
    | Forget
    | Vote
    | PassOn
    | Updates
    | BroadcastSend
)

# Presses that need no finished profile: the onboarding itself, the menu and forgetting.
WITHOUT_PROFILE = (Menu, Begin, ChooseRole, ChooseGemeente, ChooseSector, Forget, Vote, PassOn, BroadcastSend)

# Presses on a user's own cases: never answered in a group, where others would see them.
PRIVATE_ONLY: tuple[type, ...] = (*get_args(CasePress), BroadcastSend)

_FIXED: dict[str, Action] = {
    "menu": Menu(),
    "ask": AskHelp(),
    "on:begin": Begin(),
    "rt": Routes(),
    "esc": ShowTable(),
    "esc:g": ChooseTableGemeente(),
    "tl": TimelineStart(),
    "cs": Cases(),
    "cs:new": CaseNew(),
    "cs:g": CaseChooseGemeente(),
    "cs:today": CaseToday(),
    "cs:x": CaseCancel(),
    "cs:ok": CaseConfirmStart(),
    "w": Roles(),
    "fg:ja": Forget(True),
    "fg:nee": Forget(False),
    "pass": PassOn(),
    "upd:1": Updates(True),
    "upd:0": Updates(False),
}
_FIXED_DATA = {action: data for data, action in _FIXED.items()}


def button(label: str, action: Action) -> Button:
    """A button that carries an action: the only way the core makes buttons."""
    return Button(label, encode(action))


def gemeente_buttons(kb: Knowledge, make: Callable[[str], Action], per_row: int = 2) -> list[list[Button]]:
    """A button per gemeente, carrying its stable id: `make` builds the action from the id."""
    return rows([button(name, make(slug)) for name in kb.gemeenten if (slug := kb.gemeente_id(name))], per_row)


def encode(action: Action) -> str:
    """The button data for an action; raises for an action no button may carry (a bug)."""
    data = _encode(action)
    if len(data.encode()) > MAX_DATA:
        raise ValueError(f"button data over {MAX_DATA} bytes: {data!r}")
    return data


def _encode(action: Action) -> str:
    if action in _FIXED_DATA:
        return _FIXED_DATA[action]
    match action:
        case ChooseRole(role):
            return f"on:r:{role}"
        case ChooseGemeente(gemeente):
            return f"on:g:{gemeente}"
        case ChooseSector(sector):
            return f"on:s:{sector}"
        case Settings(screen):
            return f"set:{screen}"
        case ShowSection(section):
            return f"s:{section}"
        case ShowCard(section):
            return f"c:{section}"
        case StartFlow(flow):
            return f"rt:{flow}"
        case FlowStep(epoch, choice):
            return f"f:{epoch}:{choice}"
        case ShowTable(gemeente, sector) if gemeente is not None:
            return f"esc:t:{gemeente}" + (f":{sector}" if sector else "")
        case TimelineStart(gemeente, sector) if gemeente is not None and sector is not None:
            return f"tl:{gemeente}:{sector}"
        case CaseGemeente(gemeente):
            return f"cs:g:{gemeente}"
        case CaseSector(sector):
            return f"cs:s:{sector}"
        case CaseAction(verb, case, step):
            return f"cs:{verb}:{case}" + (f":{step}" if step is not None else "")
        case Roles(role) if role is not None:
            return f"w:{role}"
        case Roles(None, page):
            return f"wp:{page}"
        case PushSetting(kind, on):
            return f"ps:{kind}:{int(on)}"
        case Vote(kind, target, up):
            return f"v:{kind}:{target}:{int(up)}"
        case BroadcastSend(broadcast):
            return f"bc:{broadcast}"
    raise ValueError(f"no button data for {action!r}")


def decode(data: str, kb: Knowledge) -> Action | None:
    """The action a button's data stands for, or None: forged, cut off, or out of date.

    Every field that names content is checked here: the gemeente id exists (and has the
    sector), the section, the flow and the role exist. Numbers are small decimals.
    """
    if not isinstance(data, str) or len(data.encode()) > MAX_DATA:
        return None
    if data in _FIXED:
        return _FIXED[data]
    kind, _, rest = data.partition(":")
    parts = rest.split(":")
    match kind, parts:
        case "on", ["r", role] if role.isascii() and role.isalpha():
            return ChooseRole(role)
        case "on", ["g", slug] if kb.gemeente_by_id(slug):
            return ChooseGemeente(slug)
        case "on", ["s", sector] if _sector(kb, sector):
            return ChooseSector(sector)
        case "set", [screen] if screen in get_args(SettingsScreen):
            return Settings(screen)  # type: ignore[arg-type]
        case "s", [section] if kb.section(section) is not None:
            return ShowSection(section)
        case "c", [section] if kb.section(section) is not None:
            return ShowCard(section)
        case "rt", [flow] if flow in kb.flows:
            return StartFlow(flow)
        case "f", [epoch, choice] if (run := number(epoch)) is not None:
            move = number(choice)
            if move is not None:
                return FlowStep(run, move)
            if choice in get_args(FlowMove):
                return FlowStep(run, choice)  # type: ignore[arg-type]
            return None
        case "esc", ["t", slug, *sector] if len(sector) <= 1 and (name := kb.gemeente_by_id(slug)):
            if sector and sector[0] not in kb.sectors_of(name):
                return None
            return ShowTable(slug, sector[0] if sector else None)
        case "tl", [slug, sector] if (name := kb.gemeente_by_id(slug)) and sector in kb.sectors_of(name):
            return TimelineStart(slug, sector)
        case "cs", ["g", slug] if kb.gemeente_by_id(slug):
            return CaseGemeente(slug)
        case "cs", ["s", sector] if _sector(kb, sector):
            return CaseSector(sector)
        case "cs", [verb, case, *step] if verb in get_args(CaseVerb) and len(step) <= 1:
            case_id, index = number(case), (number(step[0]) if step else None)
            if case_id is None or (step and index is None) or ((verb in STEP_VERBS) != bool(step)):
                return None
            return CaseAction(verb, case_id, index)  # type: ignore[arg-type]
        case "w", [role] if any(view.role.id == role for view in kb.roles):
            return Roles(role)
        case "wp", [page] if (index := number(page)) is not None and index >= 1:
            return Roles(None, index)
        case "ps", [kind, on] if kind in get_args(PushKind) and on in ("0", "1"):
            return PushSetting(kind, on == "1")  # type: ignore[arg-type]
        case "v", ["s", section, up] if up in ("0", "1") and kb.section(section) is not None:
            return Vote("s", section, up == "1")
        case "v", ["r", flow, up] if up in ("0", "1") and flow in kb.flows:
            return Vote("r", flow, up == "1")
        case "bc", [broadcast] if (bc := number(broadcast)) is not None:
            return BroadcastSend(bc)
    return None


def _sector(kb: Knowledge, sector: str) -> bool:
    """A sector some gemeente has, with or without a routeboek the bot holds."""
    return any(sector in kb.sectors_named(gemeente) for gemeente in kb.gemeenten)
