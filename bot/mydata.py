"""What the bot keeps about a user, in their own words: /privacy, /mijngegevens shows all of it
and /vergeet deletes all of it."""

from __future__ import annotations

from datetime import date, datetime

from bot.actions import Forget, button
from bot.knowledge import Knowledge
from bot.navigation import menu_buttons
from bot.onboarding import ROLES
from bot.replies import LOCAL_TIME, Reply, bold, nl_date
from bot.settings import current
from bot.storage import Dialogue, Store

# /mijngegevens in words a user reads, column by column: nothing stored is left out, an unknown
# table or column is shown by its own name.
TABLE_NAMES = {
    "users": "Profiel",
    "dialogue": "Waar je bent in het gesprek",
    "cases": "Casus",
    "reminders_sent": "Verstuurde herinnering",
    "storage_notices": "Melding dat de opslag apart is gezet",
    "steps_done": "Gezette stap",
    "snoozes": "Uitgestelde herinnering",
    "prefs": "Keuzes over berichten",
    "pushes_sent": "Verstuurd bericht",
    "updates_optout": "Geen berichten over wijzigingen",
    "broadcast_sent": "Ontvangen bericht over een wijziging",
}
COLUMN_NAMES = {
    "role": "rol",
    "created": "aangemaakt",
    "updated": "bijgewerkt",
    "state": "stand",
    "id": "nummer",
    "pseudonym": "code",
    "start": "eerste dag",
    "reminders": "herinneringen",
    "case_id": "casus nummer",
    "step": "stap",
    "kind": "soort",
    "due": "termijn",
    "sent": "verstuurd",
    "reached": "gezet t/m stap",
    "event": "storing nummer",
    "shown": "getoond",
    "closed": "afgesloten op",
    "done": "gezet op",
    "until": "opnieuw op",
    "digest": "weekoverzicht",
    "fixed_dates": "vaste data",
    "inactive": "geblokkeerd sinds",
    "since": "sinds",
    "broadcast": "bericht nummer",
}
VALUE_NAMES = {
    ("reminders", 1): "aan",
    ("reminders", 0): "uit",
    ("kind", "week"): "een week vooraf",
    ("kind", "day"): "op de dag",
    ("kind", "again"): "opnieuw, op jouw verzoek",
    ("digest", 1): "aan",
    ("digest", 0): "uit",
    ("fixed_dates", 1): "aan",
    ("fixed_dates", 0): "uit",
}


ONBOARDING_WORDS = {
    "role": "je kiest je rol",
    "gemeente": "je kiest je gemeente",
    "sector": "je kiest je sector",
    "change": "je wijzigt je instellingen",
}
AWAITING_WORDS = {
    "timeline-start": "ik wacht op de eerste dag voor een termijnberekening (die datum bewaar ik niet)",
    "case-start": "ik wacht op de eerste dag van een nieuwe casus",
    "step-date": "ik wacht op de dag waarop een stap van een casus is gezet",
}


def _day(iso: str) -> str:
    """A stored day as Dutch users write it; as stored when it is no date."""
    try:
        return nl_date(date.fromisoformat(iso))
    except ValueError:
        return iso


def _shown(column: str, value: object) -> str:
    if column in ("created", "updated", "sent", "shown", "inactive", "since") and isinstance(value, int | float):
        return datetime.fromtimestamp(value, LOCAL_TIME).strftime("%d-%m-%Y %H:%M")
    if column == "role" and isinstance(value, str):
        return ROLES.get(value, value)
    return VALUE_NAMES.get((column, value), str(value))


class MyDataDesk:
    def __init__(self, kb: Knowledge, store: Store) -> None:
        self.kb = kb
        self.store = store

    @staticmethod
    def privacy() -> Reply:
        """/privacy: what is kept and what never is, before a user shares anything."""
        return Reply(
            bold("Privacy") + "\n"
            "Ik bewaar alleen: je rol, je gemeente, je sector en waar je bent in een "
            "stap-voor-stap-route. Je vragen zelf bewaar ik niet (tenzij je ze zelf doorgeeft, zie hieronder) en ze komen niet in logbestanden.\n\n"
            "Volg je een casus met /casus, dan bewaar ik daarvan alleen een code die ik zelf maak, de "
            "gemeente, de sector, de eerste dag van het verzuim, welke stap wanneer gezet is, of en wanneer je de "
            "casus afsloot, welke herinneringen ik stuurde of van je later moest sturen, en of je het weekoverzicht en herinneringen voor vaste data wilt. "
            "Geen naam.\n\n"
            "Onder een antwoord kun je 👍 of 👎 geven; dat tel ik per onderdeel van het routeboek, "
            "niet per persoon. Kon ik je niet helpen, dan kun je op \"Vraag doorgeven aan de beheerders\" "
            "tikken. Alleen dan bewaar ik je vraag: zonder je naam of gebruikersnummer, met je gemeente "
            "en de datum. Je ziet precies wat ik doorgeef. De beheerders vullen er het routeboek mee aan. "
            "Zo'n vraag is niet aan jou gekoppeld, dus /vergeet vindt hem niet terug; na "
            f"{current().routeboek_retain_feedback_days} dagen wis ik hem.\n\n"
            "Berichten over wijzigingen in het routeboek zet je uit in /instellingen.\n\n"
            "Stuur nooit namen, geboortedata, BSN, adressen of andere persoonsgegevens van "
            "leerlingen of ouders. Berichten die daarop lijken, weiger ik.\n\n"
            "/mijngegevens laat alles zien wat over jou bewaard is; /vergeet wist het.\n\n"
            + _retention_text(),
            menu_buttons(),
        )

    def my_data(self, user: str) -> Reply:
        """/mijngegevens: every stored row about the user, nothing left out, in words; a deadline
        already shown when a case was made is said to have had no reminder, not to have had one."""
        data = self.store.export(user)
        if not data:
            return Reply("Er is niets over jou bewaard.")
        lines = [bold("Dit is alles wat over jou bewaard is:")]
        for table, table_rows in data.items():
            for row in table_rows:
                name = TABLE_NAMES.get(table, table)
                if table == "reminders_sent" and row.get("sent") is None:
                    # A deadline due when the case was made: shown in its timeline, never sent.
                    name = f"Geen herinnering voor stap {row.get('step')} (al getoond bij het aanmaken van de casus)"
                if table == "dialogue":
                    shown = self._where(row)
                else:
                    shown = ", ".join(
                        f"{COLUMN_NAMES.get(k, k)}: {_shown(k, v)}"
                        for k, v in row.items()
                        if k != "user" and v not in (None, "")
                    )
                lines.append(f"- {name}: {shown}")
        lines.append("\nWissen? Typ /vergeet.")
        return Reply("\n".join(lines))

    def _where(self, row: dict[str, object]) -> str:
        """The dialogue state in words: the walk-through, what the bot waits for, the chat."""
        stored = row.get("state")
        state = Dialogue.from_json(stored if isinstance(stored, str) else None)
        parts = []
        if state.onboarding:
            parts.append(ONBOARDING_WORDS[state.onboarding])
        flow = self.kb.flows.get(state.flow or "")
        if flow is not None:
            steps = len(state.history)
            parts.append(f"in de route '{flow.title}', na {steps} {'keuze' if steps == 1 else 'keuzes'}")
        if state.awaiting:
            about = [
                f"casus nummer {state.for_case}" if state.for_case is not None else "",
                state.for_gemeente or "",
                (state.for_sector or "").upper(),
                f"eerste dag {_day(state.for_date)}?" if state.for_date else "",
            ]
            where = ", ".join(x for x in about if x)
            # A question unknown to this version is said in general words rather than failing.
            asked = AWAITING_WORDS.get(state.awaiting, "ik wacht op een antwoord van je")
            parts.append(asked + (f" ({where})" if where else ""))
            parts.append("gevraagd in een groepsgesprek" if state.prompt_chat else "gevraagd in dit gesprek")
        if state.opens:
            parts.append(f"na het instellen open ik de link '{state.opens}'")
        if not parts:
            parts.append("geen route bezig en geen open vraag")
        parts.append(f"teller voor oude knoppen: {state.epoch}")
        if isinstance(row.get("updated"), int | float):
            parts.append(f"bijgewerkt: {_shown('updated', row['updated'])}")
        return ", ".join(parts)

    @staticmethod
    def forget_confirm() -> Reply:
        """/vergeet asks first: deleting cases and their reminders cannot be undone."""
        return Reply(
            "Weet je zeker dat je alles wilt wissen wat over jou bewaard is?",
            [[button("Ja, wis alles", Forget(True)), button("Nee", Forget(False))]],
        )

    def press_forget(self, user: str, confirm: bool) -> list[Reply]:
        """The answer to the question of /vergeet."""
        if confirm:
            self.store.forget(user)
            return [Reply("Alles is gewist. Typ /start als je opnieuw wilt beginnen.")]
        return [Reply("Er is niets gewist.", menu_buttons())]


def _retention_text() -> str:
    """The retention periods that apply now, for /privacy (imported late: retention reads the
    content's timelines, which import the engine's neighbours)."""
    from bot.retention import Periods, privacy_text
    from bot.settings import current

    return privacy_text(Periods.from_settings(current()))
