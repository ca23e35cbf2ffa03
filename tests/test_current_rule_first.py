"""The current rule first (issue 9, item 5): where a newer routeboek supersedes an older one for
the user's gemeente, /begrip, /wie and the end of a walk-through open with what holds now, never
with the superseded text."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.actions import ShowSection, decode
from bot.content import ContentError, load_content, shipped_content_dir
from bot.engine import Command, Engine, Press
from bot.knowledge import Knowledge
from bot.reference import ReferenceDesk
from bot.replies import bold
from bot.schema import Flow, Node
from bot.storage import Profile, Store


@pytest.fixture(scope="module")
def kb() -> Knowledge:
    return load_content()


def profile(kb: Knowledge, gemeente: str, user: str = "u") -> Profile:
    return Profile(user, "ib", gemeente, kb.sectors_of(gemeente)[0])


HAAGLANDEN = ["Den Haag", "Rijswijk", "Leidschendam-Voorburg"]


# --- /begrip ---------------------------------------------------------------------------------


@pytest.mark.parametrize("gemeente", HAAGLANDEN)
def test_begrip_doorbraaktafel_opens_with_the_2025_afstemming_op_directeurenniveau(
    kb: Knowledge, gemeente: str
) -> None:
    (reply,) = ReferenceDesk(kb).terms(profile(kb, gemeente), "Doorbraaktafel")
    first, *_ = reply.text.split("\n\n")
    assert first.startswith(bold("Afstemming op directeurenniveau")), first
    assert "voorheen Doorbraaktafel" in first and "13 weken" in first
    # The 2021 entry with its deciders is still there, after the current one.
    assert "Directeur Jeugd" in reply.text.split("\n\n", 1)[1]


@pytest.mark.parametrize("gemeente", HAAGLANDEN)
def test_every_begrip_that_a_current_routeboek_defines_opens_with_that_definition(
    kb: Knowledge, gemeente: str
) -> None:
    desk = ReferenceDesk(kb)
    names = {name for term, _ in kb.terms_for(gemeente) for name in (term.term, *term.aliases)}
    led_by_old = []
    for name in sorted(names):
        found = desk.find_terms(profile(kb, gemeente), name)
        if any(not kb.is_superseded(doc.key) for _, doc in found) and kb.is_superseded(found[0][1].key):
            led_by_old.append(name)
    assert led_by_old == []


# --- /wie ------------------------------------------------------------------------------------


def role_screen(kb: Knowledge, gemeente: str, role_id: str) -> str:
    (reply,) = ReferenceDesk(kb).roles(profile(kb, gemeente), role_id)
    return reply.text


@pytest.mark.parametrize("gemeente", HAAGLANDEN)
def test_wie_aanmeld_en_advies_opens_with_the_2025_restriction_to_leidschendam_voorburg(
    kb: Knowledge, gemeente: str
) -> None:
    text = role_screen(kb, gemeente, "aanmeld-en-advies")
    first_task = next(line for line in text.splitlines() if line.startswith("- "))
    assert "JES van een school uit de gemeente Leidschendam-Voorburg" in first_task.replace(
        "uit Leidschendam", "uit de gemeente Leidschendam"
    ), first_task


def test_no_task_or_definition_offers_a_and_a_advice_without_its_2025_restriction(kb: Knowledge) -> None:
    # A&A advice before opschaling is, since 2025, only for a JES of a Leidschendam-Voorburg school.
    texts = [(r.role.id, t) for r in kb.roles for t in r.role.tasks]
    texts += [(t.term, t.definition or "") for t, _ in kb.terms]
    unrestricted = []
    for what, text in texts:
        for sentence in re.split(r"(?<=[.;])\s+", text):
            advice = ("A&A" in sentence or "Aanmeld en Advies" in sentence) and "advies" in sentence.lower()
            restricted = "Leidschendam-Voorburg" in text[: text.find(sentence) + len(sentence)]
            if advice and not restricted and not sentence.startswith("Routeboek 2021"):
                unrestricted.append((what, sentence))
    assert unrestricted == []


@pytest.mark.parametrize("gemeente", ["Den Haag", "Rijswijk", "Leidschendam-Voorburg", "Drechtsteden", "Apeldoorn"])
def test_wie_shows_the_current_routeboek_tasks_first_for_every_role(kb: Knowledge, gemeente: str) -> None:
    for role_id in {v.role.id for v in kb.roles_for(gemeente)}:
        docs = [v.document.key for v in kb.roles_for(gemeente) if v.role.id == role_id]
        blocks = re.findall(r"Taken\W* \(([^,]+?) \(", role_screen(kb, gemeente, role_id))
        assert len(blocks) == len(docs)
        if any(not kb.is_superseded(d) for d in docs):
            first = next(d for d in kb.documents.values() if kb.document_label(d.key).startswith(blocks[0]))
            assert not kb.is_superseded(first.key), (gemeente, role_id)


# --- walk-through ends -----------------------------------------------------------------------


def routes(flow: Flow, gemeente: str, node_id: str | None = None) -> list[tuple[list[int], str]]:
    """Every (option indexes, end node id) from the start, as this gemeente sees the options."""
    node = flow.nodes[node_id or flow.start]
    if node.type == "end":
        return [([], node_id or flow.start)]
    found = []
    for i, option in enumerate(node.options):
        if option.gemeenten is None or gemeente in option.gemeenten:
            found += [([i, *path], end) for path, end in routes(flow, gemeente, option.next)]
    return found


def has_newer_rule(kb: Knowledge, node: Node, gemeente: str) -> bool:
    """The end cites a superseded document and points to a section of it with a newer rule."""
    variant = node.variants.get(gemeente)
    source = (variant and variant.source) or node.source
    if source is None or not kb.is_superseded(source.document):
        return False
    views = [kb.section(rel) for rel in node.related]
    return any(
        v is not None and v.document.key == source.document and (v.section.current_note or v.section.superseded_by)
        for v in views
    )


def walk_ends(kb: Knowledge, tmp_path: Path, gemeente: str) -> list[tuple[Flow, str, str, list[str]]]:
    """(flow, end node id, end text, "Lees verder" section ids) of every path for the gemeente."""
    engine = Engine(kb, Store(tmp_path / f"{gemeente}.db"))
    user = f"walk:{gemeente}"
    engine.store.save_profile(profile(kb, gemeente, user))
    ends = []
    for flow in kb.flows_for(gemeente, kb.sectors_of(gemeente)[0]):
        for path, end in routes(flow, gemeente):
            (reply,) = engine.handle(user, Press(f"rt:{flow.id}"))
            for index in path:
                data = next(b.data for row in reply.buttons for b in row if b.data.endswith(f":{index}"))
                (reply,) = engine.handle(user, Press(data))
            shown = [decode(b.data, kb) for row in reply.buttons for b in row]
            ends.append((flow, end, reply.text, [a.section for a in shown if isinstance(a, ShowSection)]))
    return ends


def test_the_ziekteverzuim_end_with_no_response_leads_with_the_2025_jeugdbeschermingstafel(
    kb: Knowledge, tmp_path: Path
) -> None:
    (text,) = [t for f, end, t, _ in walk_ends(kb, tmp_path, "Den Haag") if end == "zv-hl-geen-gehoor"]
    now = text.index("Nu geldt:")
    assert now < text.index("Wie is verantwoordelijk:") < text.index("Wat nu te doen:")
    assert "hulpverlener vanuit een sociaal team" in text[now : text.index("Wie is verantwoordelijk:")]
    assert "(routeboek 2025: aanmelding" not in text  # no longer tucked away at the end


@pytest.mark.parametrize("gemeente", ["Den Haag", "Rijswijk", "Leidschendam-Voorburg", "Drechtsteden", "Apeldoorn"])
def test_no_walk_through_end_leads_with_a_superseded_rule(kb: Knowledge, tmp_path: Path, gemeente: str) -> None:
    checked = 0
    for flow, end, text, further in walk_ends(kb, tmp_path, gemeente):
        node = flow.nodes[end]
        if has_newer_rule(kb, node, gemeente):
            assert "Nu geldt:" in text, (flow.id, end)
            for label in ("Wie is verantwoordelijk:", "Wat nu te doen:"):
                if label in text:
                    assert text.index("Nu geldt:") < text.index(label), (flow.id, end)
            checked += 1
        # "Lees verder" opens with a section of the current routeboek when the end names one.
        current = [s for s in node.related if (v := kb.section(s)) and not kb.is_superseded(v.document.key)]
        if current and further:
            first = kb.section(further[0])
            assert first is not None and not kb.is_superseded(first.document.key), (flow.id, end, further)
    if gemeente in HAAGLANDEN:
        assert checked >= 10  # the Haaglanden walk-throughs do end on 2021 chapters


def test_lees_verder_under_a_walk_through_end_opens_with_the_2025_section(kb: Knowledge, tmp_path: Path) -> None:
    (further,) = [f for _, end, _, f in walk_ends(kb, tmp_path, "Rijswijk") if end == "rtz-hl-deels"]
    assert further[0].startswith("hv25-") and "hv21-stap-3-brede-aanpak-doelgroepen" in further


# --- routeboek check -------------------------------------------------------------------------


def copy_content(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(shipped_content_dir() / "knowledge", root / "knowledge")
    shutil.copytree(shipped_content_dir() / "flows", root / "flows")
    return root


def test_check_refuses_an_end_on_a_superseded_rule_without_a_current_note(tmp_path: Path) -> None:
    root = copy_content(tmp_path)
    flow = root / "flows" / "ziekteverzuim.yaml"
    lines = flow.read_text(encoding="utf-8").splitlines(keepends=True)
    start = lines.index("  zv-hl-geen-gehoor:\n")
    note = next(i for i in range(start, len(lines)) if lines[i].startswith("    current_note:"))
    del lines[note]
    flow.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(ContentError) as refused:
        load_content(root)
    problems = [str(p) for p in refused.value.problems]
    assert any(
        p.startswith(f"flows/ziekteverzuim.yaml:{start + 1}:") and "zv-hl-geen-gehoor" in p and "current_note" in p
        for p in problems
    ), problems


def test_check_refuses_a_current_note_on_an_end_that_cites_the_current_routeboek(tmp_path: Path) -> None:
    root = copy_content(tmp_path)
    flow = root / "flows" / "ziekteverzuim.yaml"
    text = flow.read_text(encoding="utf-8")
    cited = '    source: {document: haaglanden-vo-2021, section: "Fase 2: Verzuim, 7. JES"}\n    related: [hv21-stap-7-geen-gehoor-jeugdarts]'
    assert cited in text
    flow.write_text(text.replace(cited, cited.replace("haaglanden-vo-2021", "haaglanden-vo-2025")), encoding="utf-8")
    with pytest.raises(ContentError) as refused:
        load_content(root)
    assert any("has a current_note but cites the current document" in str(p) for p in refused.value.problems)


def test_engine_begrip_command_gives_the_current_rule_first(kb: Knowledge, tmp_path: Path) -> None:
    engine = Engine(kb, Store(tmp_path / "begrip.db"))
    engine.store.save_profile(profile(kb, "Rijswijk"))
    (reply,) = engine.handle("u", Command("begrip", "A&A"))
    assert reply.text.index("Leidschendam-Voorburg") < reply.text.index("Routeboek 2021")
