"""Messages about changes to the routeboek (/broadcast) and the users' opt-out.

An admin prepares a message for the users of one gemeente or of all; after "Versturen" the
Telegram adapter works through it in small batches (within the flood limits). Who got it is in
the database, marked before each send, so a restart resumes where it stopped and nobody gets it
twice. The console cannot push messages: there /broadcast is a dry run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from bot.actions import BroadcastSend, Menu, Updates, button
from bot.knowledge import Knowledge
from bot.replies import Button, Reply, bold
from bot.storage import Store

OPT_OUT_LABEL = "Geen berichten over wijzigingen"
OPT_IN_LABEL = "Wel berichten over wijzigingen"
ALL = ("alle", "iedereen", "allen", "all")
USAGE = (
    "Gebruik: /broadcast <gemeente of alle>: <tekst>\n"
    "Bijvoorbeeld: /broadcast Rijswijk: Vanaf 1 januari meldt de school bij het nieuwe loket."
)


@dataclass(frozen=True)
class Delivery:
    """One broadcast message for one user, for the adapter to send."""

    broadcast: int
    user: str
    reply: Reply


def message(text: str) -> Reply:
    """The message as users get it, with the way out under it."""
    return Reply(
        f"{bold('Wijziging in het routeboek')}\n{text}\n\nGeen berichten hierover meer? Tik hieronder.",
        [[button(OPT_OUT_LABEL, Updates(False))]],
    )


class BroadcastDesk:
    def __init__(self, kb: Callable[[], Knowledge], store: Store) -> None:
        self.kb = kb
        self.store = store
        # The user-key prefix of an adapter that can push messages ("tg:"); None: a dry run.
        self.live: str | None = None

    # --- the user's choice ---------------------------------------------------------------
    def with_choice(self, user: str, settings: Reply) -> Reply:
        """/instellingen with the opt-out shown and a button to change it."""
        out = self.store.updates_optout(user)
        line = f"Berichten over wijzigingen: {'uit' if out else 'aan'}"
        ask = "\n\nWat wil je wijzigen?"
        text = settings.text.replace(ask, f"\n{line}{ask}") if ask in settings.text else f"{settings.text}\n{line}"
        choice = [button(OPT_IN_LABEL, Updates(True)) if out else button(OPT_OUT_LABEL, Updates(False))]
        buttons = [*settings.buttons[:-1], choice, *settings.buttons[-1:]]
        return replace(settings, text=text, buttons=buttons)

    def choose(self, user: str, on: bool) -> list[Reply]:
        """The press on the opt-out (or back in)."""
        self.store.set_updates_optout(user, not on)
        text = (
            "Je krijgt weer berichten over wijzigingen in het routeboek."
            if on
            else "Je krijgt geen berichten meer over wijzigingen in het routeboek. Aanzetten kan in /instellingen."
        )
        return [Reply(text, [[button("Menu", Menu())]])]

    # --- the admin's side ----------------------------------------------------------------
    def prepare(self, arg: str) -> list[Reply]:
        """/broadcast <gemeente of alle>: <tekst>. Telegram: a preview with "Versturen";
        console: a dry run."""
        where, sep, text = arg.partition(":")
        text = text.strip()
        if not sep or not text or not where.strip():
            return [Reply(USAGE)]
        gemeente: str | None = None
        if where.strip().lower() not in ALL:
            gemeente = self.kb().resolve_gemeente(where.strip())
            if gemeente is None:
                return [Reply(f"Die gemeente ken ik niet: {where.strip()[:40]}. Kies uit {', '.join(self.kb().gemeenten)} of 'alle'.")]
        reach = len(self.store.broadcast_audience(gemeente, prefix=self.live or ""))
        who = f"{reach} {'gebruiker' if reach == 1 else 'gebruikers'} " + (f"in {gemeente}" if gemeente else "in alle gemeenten")
        preview = message(text).text
        if not self.live:
            return [Reply(f"{bold('Proefdraai')} (de console verstuurt niets). Dit bericht zou {who} bereiken:\n\n{preview}")]
        if reach == 0:
            return [Reply(f"Dit bericht zou niemand bereiken: er zijn 0 gebruikers {who[2:].removeprefix('gebruikers ')}.")]
        broadcast = self.store.add_broadcast(text, gemeente)
        buttons: list[list[Button]] = [[button(f"Versturen aan {reach}", BroadcastSend(broadcast))], [button("Niet versturen", Menu())]]
        return [Reply(f"Dit bericht gaat naar {who} (wie geen berichten wil, slaan we over):\n\n{preview}", buttons)]

    def send(self, broadcast: int) -> list[Reply]:
        """The admin pressed "Versturen": the adapter's job takes it from here."""
        found = self.store.broadcast(broadcast)
        if found is None:
            return [Reply("Dit bericht bestaat niet meer.")]
        if not self.store.start_broadcast(broadcast):
            return [Reply("Dit bericht wordt al verstuurd.")]
        return [Reply("Het bericht wordt verstuurd, in delen, binnen de limieten van Telegram. Niemand krijgt het twee keer.")]

    # --- for the adapter -----------------------------------------------------------------
    def due(self, limit: int) -> list[Delivery]:
        """The next messages to send, at most `limit`; a broadcast with nobody left is finished."""
        deliveries: list[Delivery] = []
        for broadcast, text, gemeente in self.store.open_broadcasts():
            users = self.store.broadcast_audience(gemeente, broadcast, limit - len(deliveries), self.live or "")
            if not users:
                self.store.finish_broadcast(broadcast)
                continue
            deliveries += [Delivery(broadcast, user, message(text)) for user in users]
            if len(deliveries) >= limit:
                break
        return deliveries

    def claim(self, delivery: Delivery) -> bool:
        """Mark before sending; False when this user already got it (never twice)."""
        return self.store.claim_broadcast(delivery.broadcast, delivery.user)

    def failed(self, delivery: Delivery) -> None:
        """A send that failed for a passing reason (network): tried again at the next run."""
        self.store.unclaim_broadcast(delivery.broadcast, delivery.user)
