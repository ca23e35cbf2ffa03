"""Walk-throughs (/route): a flow of questions with buttons that ends in who does what, for the
user's gemeente. Where the user is lives in the dialogue state, so a restart loses no step, and
each step's buttons carry the run's epoch, so a press on an older message is recognised."""

from __future__ import annotations

from bot.actions import FlowStep, Menu, StartFlow, button
from bot.decision import not_held_message
from bot.feedback import vote_buttons
from bot.knowledge import Knowledge
from bot.navigation import menu_buttons, related_buttons, stale
from bot.replies import Button, Reply, answer_layout, bold, distinct_labels, screen, source_line
from bot.schema import Flow, Node
from bot.storage import Dialogue, Profile, Store


class WalkthroughDesk:
    def __init__(self, kb: Knowledge, store: Store) -> None:
        self.kb = kb
        self.store = store

    def routes(self, profile: Profile) -> list[Reply]:
        """The walk-throughs of the user's gemeente and sector."""
        gap = self.kb.not_held(profile.gemeente, profile.sector)
        if gap and profile.gemeente:
            return [Reply(not_held_message(self.kb, profile.gemeente, gap), menu_buttons())]
        flows = self.kb.flows_for(profile.gemeente, profile.sector)
        if not flows:
            return [Reply("Voor jouw gemeente zijn nog geen stap-voor-stap-routes.", menu_buttons())]
        labels = distinct_labels([f.title for f in flows])
        buttons = [[button(label, StartFlow(f.id))] for label, f in zip(labels, flows, strict=True)]
        return [screen(bold("Stap voor stap") + "\nKies een onderwerp:", [*buttons, [button("Menu", Menu())]])]

    def start(self, user: str, profile: Profile, state: Dialogue, flow_id: str) -> list[Reply]:
        """A new run of a walk-through: buttons of an earlier run go stale."""
        flow = self.kb.flows.get(flow_id)
        if flow is None:
            return stale("Deze route bestaat niet meer.")
        state.flow, state.node, state.history = flow.id, flow.start, []
        state.epoch += 1
        self.store.save_dialogue(user, state)
        return [self._show_node(profile, state, flow)]

    def _options(self, node: Node, gemeente: str | None) -> list[tuple[int, str]]:
        return [
            (i, opt.label)
            for i, opt in enumerate(node.options)
            if opt.gemeenten is None or gemeente is None or gemeente in opt.gemeenten
        ]

    def _depth(self, flow: Flow, node_id: str) -> int:
        """Questions still to come at most (flows are trees/DAGs, checked by `routeboek check`)."""
        node = flow.nodes[node_id]
        if node.type == "end" or not node.options:
            return 0
        return 1 + max(self._depth(flow, o.next) for o in node.options)

    def _show_node(self, profile: Profile, state: Dialogue, flow: Flow) -> Reply:
        node_id = state.node or flow.start
        node = flow.nodes[node_id]
        # At the first question "terug" leads back to the list of walk-throughs, in its place.
        nav = [button("Terug", FlowStep(state.epoch, "b")), button("Opnieuw", FlowStep(state.epoch, "r"))]
        if node.type == "question":
            done = len(state.history) + 1
            total = done + self._depth(flow, node_id) - 1
            head = f"{bold(flow.title)} · vraag {done} van max. {total}"
            options = self._options(node, profile.gemeente)
            labels = distinct_labels([label for _, label in options])
            buttons = [[button(label, FlowStep(state.epoch, i))] for label, (i, _) in zip(labels, options, strict=True)]
            return screen(f"{head}\n\n{node.text}", [*buttons, nav])
        return screen(
            self._end_text(profile, flow, node),
            [
                *self._route_buttons(profile, node),
                *related_buttons(self.kb, self.kb.current_first(node.related)),
                vote_buttons(flow.id, "r"),
                nav,
                [button("Menu", Menu())],
            ],
        )

    def _route_buttons(self, profile: Profile, node: Node) -> list[list[Button]]:
        """A button to each walk-through this end sends the user to, where it applies to the
        user's gemeente and sector: the end is no dead end."""
        offered = {f.id: f for f in self.kb.flows_for(profile.gemeente, profile.sector)}
        flows = [offered[target] for target in node.routes if target in offered]
        labels = distinct_labels([f.title for f in flows], prefix="Stappenplan: ")
        return [[button(label, StartFlow(f.id))] for label, f in zip(labels, flows, strict=True)]

    def _end_text(self, profile: Profile, flow: Flow, node: Node) -> str:
        """The outcome for the user's gemeente; where it cites a superseded routeboek, what the
        newer one says now ("Nu geldt") comes before who acts and what to do."""
        variant = node.variants.get(profile.gemeente or "")
        title = (variant and variant.title) or node.title or flow.title
        responsible = (variant and variant.responsible) or node.responsible
        actions = (variant and variant.actions) or node.actions
        text = (variant and variant.text) or node.text
        source = (variant and variant.source) or node.source
        return answer_layout(
            bold,
            title,
            head=f"{bold(flow.title)} · uitkomst",
            current_note=(variant and variant.current_note) or node.current_note,
            responsible=responsible,
            actions=actions,
            text=text or "",
            links=node.links,
            source=source_line(self.kb.document_label(source.document), source.section) if source else None,
            passage_first=False,
        )

    def press(self, user: str, profile: Profile, state: Dialogue, step: FlowStep) -> list[Reply]:
        """A choice, "Terug" or "Opnieuw" in the current run; an older run's button is stale."""
        flow = self.kb.flows.get(state.flow or "")
        if flow is None or step.epoch != state.epoch or state.node not in flow.nodes:
            return stale("Deze knop hoort bij een eerdere stap.") + (
                [self._show_node(profile, state, flow)] if flow and state.node in flow.nodes else []
            )
        node = flow.nodes[state.node or flow.start]
        choice = step.choice
        if choice == "b" and not state.history:
            return self.routes(profile)
        if choice == "b":
            if state.history:
                state.node = state.history.pop()
        elif choice == "r":
            state.node, state.history = flow.start, []
        elif any(i == choice for i, _ in self._options(node, profile.gemeente)):
            state.history.append(state.node or flow.start)
            state.node = node.options[choice].next
        else:
            return stale()
        state.epoch += 1
        self.store.save_dialogue(user, state)
        return [self._show_node(profile, state, flow)]
