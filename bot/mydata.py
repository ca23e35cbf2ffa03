"""What the bot keeps about a user, in their own words: /privacy, /mijngegevens shows all of it
and /vergeet deletes all of it."""

from __future__ import annotations

from datetime import datetime

from bot.actions import Forget, button
from bot.navigation import menu_buttons
from bot.onboarding import ROLES
from bot.replies import LOCAL_TIME, Reply, bold
from bot.settings import current
from bot.storage import Store

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


def _shown(column: str, value: object) -> str:
    if column in ("created", "updated", "sent", "shown", "inactive", "since") and isinstance(value, int | float):
        return datetime.fromtimestamp(value, LOCAL_TIME).strftime("%d-%m-%Y %H:%M")
    if column == "role" and isinstance(value, str):
        return ROLES.get(value, value)
    return VALUE_NAMES.get((column, value), str(value))


class MyDataDesk:
    def __init__(self, store: Store) -> None:
        self.store = store

    @staticmethod
    def privacy() -> Reply:
        """/privacy: what is kept and what never is, before a user shares anything."""
        return Reply(
            bold("Privacy") + "\n"
            "Ik bewaar alleen: je rol, je gemeente, je sector en waar je bent in een "
            "stap-voor-stap-route. Je vragen zelf bewaar ik niet (tenzij je ze zelf doorgeeft, zie hieronder) en ze komen niet in logbestanden.\n\n"
            "Volg je een casus met /casus, dan bewaar ik daarvan alleen een code die ik zelf maak, de "
            "gemeente, de sector, de eerste dag van het verzuim, welke stap gezet is en welke herinneringen ik stuurde. "
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
            "/mijngegevens laat alles zien wat over jou bewaard is; /vergeet wist het.",
            menu_buttons(),
        )

    def my_data(self, user: str) -> Reply:
        """/mijngegevens: every stored row about the user, nothing left out."""
        data = self.store.export(user)
        if not data:
            return Reply("Er is niets over jou bewaard.")
        lines = [bold("Dit is alles wat over jou bewaard is:")]
        for table, table_rows in data.items():
            for row in table_rows:
                shown = ", ".join(
                    f"{COLUMN_NAMES.get(k, k)}: {_shown(k, v)}"
                    for k, v in row.items()
                    if k != "user" and v not in (None, "")
                )
                lines.append(f"- {TABLE_NAMES.get(table, table)}: {shown}")
        lines.append("\nWissen? Typ /vergeet.")
        return Reply("\n".join(lines))

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
