"""The `routeboek` command: one entry point for the bot, the console chat and content tools."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from bot.content import ContentError, load_content
from bot.knowledge import Knowledge

if TYPE_CHECKING:
    from bot.coverage import ScreenCover
    from bot.sourcetext import SourceText

T = TypeVar("T")


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")


def _load(args: argparse.Namespace, *, allow_draft: bool | None = None) -> Knowledge | None:
    """Load content or print every problem (path:line: message) to stderr. `allow_draft`
    defaults to the command's --allow-draft; the content tools always read drafts."""
    draft = getattr(args, "allow_draft", False) if allow_draft is None else allow_draft
    try:
        return load_content(args.content, allow_draft=draft)
    except ContentError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} probleem/problemen in de inhoud; niets geladen.", file=sys.stderr)
        if hasattr(args, "allow_draft") and not draft and all(p.message.startswith("draft: ") for p in exc.problems):
            # Only open places of a draft: the maintainer may want to try it as it is.
            print("Alleen open plekken (# DRAFT:): probeer het concept met --allow-draft.", file=sys.stderr)
        return None


def _read_input(read: Callable[[], T], error: type[Exception]) -> T | None:
    """A maintainer's input file (a source document, a question list) read, or its one-line
    reason printed to stderr and None: the content tools then exit 2, "fix your input"."""
    try:
        return read()
    except error as exc:
        print(str(exc), file=sys.stderr)
        return None


def cmd_check(args: argparse.Namespace) -> int:
    try:
        kb = load_content(args.content)
    except ContentError as exc:
        for problem in exc.problems:
            print(problem)
        return 1
    for warning in _calendar_warnings(args):
        print(warning)
    from bot.content import content_dir
    from bot.flowlinks import warnings as route_warnings

    for warning in route_warnings(kb, content_dir(args.content)):
        print(warning)
    print(
        f"ok: {len(kb.documents)} documents, {len(kb.sections)} sections, "
        f"{len(kb.escalation)} escalation tables, {len({r.role.id for r in kb.roles})} roles, "
        f"{len(kb.terms)} terms, {len(kb.flows)} flows, {len(kb.gemeenten)} gemeenten"
    )
    return 0


def _calendar_warnings(args: argparse.Namespace) -> list[str]:
    """Calendars that end within six months, as `path:line: warning:` lines (exit stays 0)."""
    from bot.content import content_dir
    from bot.holidays import calendar_warnings
    from bot.testhooks import fixed_clock

    try:
        clock = fixed_clock()
    except ValueError:  # a malformed test clock: the content check itself does not need one
        clock = None
    today = clock().date() if clock else date.today()
    return calendar_warnings(content_dir(args.content), today)


def cmd_knowledge(args: argparse.Namespace) -> int:
    kb = _load(args)
    if kb is None:
        return 1
    data = kb.to_json()
    if args.json:
        _print_json(data)
    else:
        for region in data["regions"]:
            print(f"{region['name']}: {', '.join(region['gemeenten'])} ({'/'.join(region['sectors'])})")
        print(
            f"{len(data['sections'])} secties, {len(data['escalation'])} opschalingstabellen, {len(data['flows'])} routes"
        )
    return 0


def _ask_one(
    kb: Knowledge, decider: Any, question: str, gemeente_in: str | None, sector: str | None, top: int
) -> dict[str, Any]:
    """One question through the decision pipeline, as the JSON object of `routeboek ask`."""
    from bot.answer import build_answer

    gemeente = kb.resolve_gemeente(gemeente_in) if gemeente_in else None
    decision = decider.decide(question, gemeente, sector, max(1, top))
    relevance = decider.relevance(decision)
    results = []
    for hit in decision.hits:
        answer = build_answer(kb, hit.view, decision.gemeente)
        results.append(
            {
                "id": hit.view.id,
                "title": hit.view.section.title,
                "text": answer.plain(),
                "short": answer.short(relevance),
                "score": hit.score,
                "source": hit.view.section.source.model_dump(),
            }
        )
    clarify = decision.clarify
    declined = decision.declined
    return {
        "query": question,
        "gemeente": decision.gemeente,
        "sector": decision.sector,
        "results": results,
        "clarify": None
        if clarify is None
        else {"question": clarify.question, "options": [{"label": lbl, "id": i} for lbl, i in clarify.options]},
        "declined": None if declined is None else {"reason": declined.reason, "message": declined.message},
        "why": decision.why,
    }


def cmd_ask(args: argparse.Namespace) -> int:
    from bot.decision import Decider

    kb = _load(args)
    if kb is None:
        return 1
    if args.gemeente and kb.resolve_gemeente(args.gemeente) is None:
        print(f"Onbekende gemeente: {args.gemeente}. Bekend: {', '.join(kb.gemeenten)}", file=sys.stderr)
        return 2
    decider = Decider(kb)
    if args.batch:
        stream = sys.stdin if args.batch == "-" else open(args.batch, encoding="utf-8")  # noqa: SIM115
        with stream:
            for number, line in enumerate(stream, start=1):
                if not line.strip():
                    continue
                try:
                    item = json.loads(line)
                    question = str(item["question"])
                except (json.JSONDecodeError, KeyError, TypeError):
                    _print_json({"error": f"line {number}: expected a JSON object with 'question'"})
                    continue
                _print_json(
                    _ask_one(kb, decider, question, item.get("gemeente"), item.get("sector"), args.top)
                )
        return 0
    if not args.question:
        print("Geef een vraag, of --batch FILE.", file=sys.stderr)
        return 2
    result = _ask_one(kb, decider, args.question, args.gemeente, args.sector, args.top)
    if args.json:
        _print_json(result)
    elif result["declined"]:
        print(result["declined"]["message"])
    else:
        if result["clarify"]:
            options = " / ".join(o["label"] for o in result["clarify"]["options"])
            print(f"{result['clarify']['question']} ({options})\n")
        for item in result["results"]:
            print(item["short"])
            print(f"(score {item['score']})\n")
    return 0


def cmd_timeline(args: argparse.Namespace) -> int:
    from bot.timeline import build_timeline

    kb = _load(args)
    if kb is None:
        return 1
    gemeente = kb.resolve_gemeente(args.gemeente)
    if gemeente is None:
        print(f"Onbekende gemeente: {args.gemeente}. Bekend: {', '.join(kb.gemeenten)}", file=sys.stderr)
        return 2
    try:
        start = date.fromisoformat(args.start)
    except ValueError:
        print("--start moet een datum zijn als 2026-01-05", file=sys.stderr)
        return 2
    done = _done_dates(args.done or [])
    if done is None:
        return 2
    timeline = build_timeline(kb, gemeente, args.sector, start, done)
    if timeline is None:
        print(f"Geen opschalingstabel voor {gemeente} {args.sector or ''}".strip(), file=sys.stderr)
        return 2
    unknown = sorted(set(done) - {step.step for step in timeline.steps})
    if unknown:
        print(f"--done: onbekende stap {', '.join(unknown)} (stappen: {', '.join(s.step for s in timeline.steps)})", file=sys.stderr)
        return 2
    if args.ics:
        from datetime import UTC, datetime

        from bot.ics import timeline_ics

        code = args.case or "TIJDLIJN"
        key = f"timeline|{args.case or ''}|{timeline.gemeente}|{timeline.sector}|{timeline.start}"
        sys.stdout.write(timeline_ics(kb, timeline, code, key, datetime.now(UTC)).decode())
    elif args.json:
        _print_json(timeline.to_json())
    else:
        print(f"Opschaling {timeline.gemeente} ({timeline.sector}), start {timeline.start}:")
        for step in timeline.steps:
            when = step.due.isoformat() if step.due else "-"
            if step.holiday:
                when += f" ({step.holiday})"
            if step.due_latest:
                when += f" t/m {step.due_latest.isoformat()}" + (f" ({step.holiday_latest})" if step.holiday_latest else "")
            if step.done:
                when += f", gezet op {step.done.isoformat()}"
            print(f"  stap {step.step}: {step.name}: {when} ({step.basis})")
        for warning in timeline.warnings:
            print(f"  let op: {warning}")
    return 0


def _done_dates(values: list[str]) -> dict[str, Any] | None:
    """`--done STEP=YYYY-MM-DD` values as {step: date}; None (after saying why) for a bad one."""

    done: dict[str, Any] = {}
    for value in values:
        step, _, day = value.partition("=")
        try:
            done[step.strip()] = date.fromisoformat(day.strip())
        except ValueError:
            print(f"--done moet STAP=JJJJ-MM-DD zijn, bijvoorbeeld 2=2026-02-20 (niet {value!r})", file=sys.stderr)
            return None
    return done


def _engine(args: argparse.Namespace) -> Any:
    """The engine on the content and the database, or the exit code when either cannot be used:
    1 for content problems (printed as path:line), 2 for a database the bot must not touch (or a
    malformed test-only ROUTEBOEK_CLOCK, see bot/testhooks.py)."""
    from bot.engine import Engine
    from bot.storage import StorageError, Store
    from bot.testhooks import fixed_clock

    try:
        clock = fixed_clock()
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    kb = _load(args)
    if kb is None:
        return 1
    try:
        store = Store()
    except StorageError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    from bot.console import CONSOLE_USER
    from bot.content import content_dir
    from bot.settings import current

    admins = frozenset(f"tg:{i}" for i in current().routeboek_admins)
    if getattr(args, "admin", False):
        admins |= {CONSOLE_USER}
    extra: dict[str, Any] = {"clock": clock} if clock else {}
    return Engine(
        kb, store, admins=admins, content=content_dir(args.content), allow_draft=getattr(args, "allow_draft", False), **extra
    )


def cmd_chat(args: argparse.Namespace) -> int:
    from bot.console import run_console

    engine = _engine(args)
    if isinstance(engine, int):
        return engine
    return run_console(engine, sys.stdin, sys.stdout)  # the streams of now, not of import time


BOTFATHER_HELP = """Er is geen TELEGRAM_BOT_TOKEN ingesteld.
Zo krijg je er een: open Telegram, zoek @BotFather, stuur /newbot en volg de stappen.
Start daarna met:  TELEGRAM_BOT_TOKEN=<token> routeboek run"""


def cmd_run(args: argparse.Namespace) -> int:
    from bot.settings import current

    token = current().telegram_bot_token
    if not token:
        print(BOTFATHER_HELP, file=sys.stderr)
        if sys.stdin.isatty():
            print("\nIntussen start de console-chat.\n", file=sys.stderr)
            return cmd_chat(args)
        return 2
    from bot.locks import FolderBusy, hold_run_lock
    from bot.storage import data_dir
    from bot.telegram_app import run_telegram

    # Before the database is opened: a second bot must not even migrate or set aside the file.
    try:
        lock = hold_run_lock(data_dir())
    except FolderBusy as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"De bot kan de datamap {data_dir()} niet vergrendelen: {exc.strerror or exc}.", file=sys.stderr)
        return 2
    try:
        engine = _engine(args)
        if isinstance(engine, int):
            return engine
        from bot.content import content_dir
        from bot.health import content_version

        version = content_version(content_dir(args.content))
        return run_telegram(engine, token, webhook=args.webhook, port=args.port, content_version=version)
    finally:
        lock.release()


def cmd_feedback(args: argparse.Namespace) -> int:
    """The questions users chose to pass on, grouped, and the sections with most 👎: what a
    content maintainer should add or fix."""
    from bot.console import plain
    from bot.feedback import FeedbackDesk
    from bot.settings import current
    from bot.stats import Stats
    from bot.storage import StorageError, Store
    from bot.testhooks import fixed_clock

    try:
        clock = fixed_clock()
        store = Store()
    except (StorageError, ValueError) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    today = clock().date() if clock else date.today()
    desk = FeedbackDesk(store, Stats(store), lambda: current().routeboek_retain_feedback_days)
    print(plain(desk.report(today, args.top)))
    store.close()
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """List set-aside copies of the database, or put one back: the operator's way back after
    the bot set a database aside and started empty."""
    from pathlib import Path

    from bot.restore import SET_ASIDE, RestoreRefused, copies, restore
    from bot.storage import data_dir

    db_path = data_dir() / "routeboek.db"
    found = copies(db_path)
    if not args.path and not args.newest:
        if not found:
            print(f"Geen apart gezette kopieën naast {db_path}.")
            return 0
        print(f"Kopieën naast {db_path}, nieuwste eerst:")
        for copy in found:
            print(f"  {copy.describe()}")
        print("Terugzetten: routeboek restore --newest (de nieuwste apart gezette), of routeboek restore PAD.")
        return 0
    if args.path:
        source = Path(args.path)
    else:
        newest = [c for c in found if c.kind == SET_ASIDE]
        if not newest:
            print(f"Geen apart gezette kopie naast {db_path}.", file=sys.stderr)
            return 1
        source = newest[0].path
    try:
        print(restore(db_path, source, force=args.force))
    except RestoreRefused as exc:
        print(str(exc), file=sys.stderr)
        return exc.code
    except OSError as exc:
        print(f"Terugzetten mislukt: {exc.filename or db_path}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    return 0


def package_version() -> str:
    """The installed distribution's version, so a bug report names what really runs (a source
    checkout without metadata falls back to the package's own number)."""
    from importlib.metadata import PackageNotFoundError, version

    from bot import __version__

    try:
        return version("routeboek-bot")
    except PackageNotFoundError:
        return __version__


def settings_problems(args: argparse.Namespace) -> list[str]:
    """One line per problem in the settings this command uses, checked before it starts."""
    from bot import settings

    uses = settings.BASE
    if args.command == "feedback":
        uses = settings.BASE | {"routeboek_retain_feedback_days"}
    if args.command == "run":
        uses = settings.WEBHOOK if args.webhook else settings.RUN
    loaded, problems = settings.load(uses)
    if args.command == "run" and args.webhook and loaded.telegram_bot_token:
        for name in ("webhook_url", "webhook_secret"):
            if not getattr(loaded, name) and not any(p.startswith(name.upper() + ":") for p in problems):
                problems.append(f"{name.upper()}: nodig in webhook-modus (--webhook), maar niet ingesteld")
    return problems


def cmd_backup(args: argparse.Namespace) -> int:
    """A consistent copy of the live database, safe while the bot runs (take one before every
    upgrade: it is what a roll-back restores)."""
    from pathlib import Path

    from bot.backup import BackupFailed, backup
    from bot.restore import inspect
    from bot.storage import data_dir

    target = Path(args.path)
    if args.path.endswith("/"):  # a folder, made when missing (e.g. /data/backups/ in a container)
        try:
            target.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            print(f"De map {target} kan niet gemaakt worden: {exc.strerror or exc}", file=sys.stderr)
            return 1
    try:
        written = backup(data_dir() / "routeboek.db", target)
    except BackupFailed as exc:
        print(str(exc), file=sys.stderr)
        return 1
    copy = inspect(written)
    print(f"Back-up gemaakt: {written} ({copy.profiles} profiel(en), {copy.cases} casus(sen), in orde).")
    print(f"Terugzetten (bot gestopt): routeboek restore {written} --force")
    return 0


def cmd_coverage(args: argparse.Namespace) -> int:
    """Which headings of a source document no section cites: a maintainer's to-do list, and a
    check (exit 1) that a region's content leaves no chapter of its routeboek out."""
    from bot.coverage import cover
    from bot.headings import scan_headings
    from bot.sourcetext import SourceError, read_source

    source = _read_input(lambda: read_source(args.source), SourceError)
    if source is None:
        return 2
    kb = _load(args, allow_draft=True)
    if kb is None:
        return 2
    if args.document not in kb.documents:
        print(f"Onbekend document: {args.document}. Bekend: {', '.join(sorted(kb.documents))}", file=sys.stderr)
        return 2
    scan = scan_headings(source.text)
    if not scan.headings:
        return _screen_coverage(args.document, source, kb)
    citations = [(v.id, v.section.source.section) for v in kb.sections if v.section.source.document == args.document]
    result = cover(scan.headings, citations)
    missing = [c for c in result if not c.covered]
    print(
        f"{args.document}: {len(result)} koppen in {source.path.name}, {len(result) - len(missing)} geciteerd, "
        f"{len(missing)} niet geciteerd ({len(citations)} secties citeren dit document)."
    )
    if missing:
        print("\nNiet geciteerd:")
        for item in missing:
            print(f"  regel {item.heading.line}: {item.heading.text}")
            if item.heading.summary:
                print(f"      {item.heading.summary}")
    print("\nGeciteerd:")
    for item in result:
        if item.through_parts and not item.sections:
            print(f"  regel {item.heading.line}: {item.heading.text}: via de onderdelen (geen eigen tekst)")
        elif item.sections:
            shown = ", ".join(item.sections[:4]) + (f" (+{len(item.sections) - 4})" if len(item.sections) > 4 else "")
            print(f"  regel {item.heading.line}: {item.heading.text}: {shown}")
    if scan.unsure:
        print(f"\nOnzeker, niet als kop genomen ({len(scan.unsure)}):")
        for unsure in scan.unsure:
            print(f"  {unsure}")
    return 1 if missing else 0


def _screen_coverage(document: str, source: SourceText, kb: Knowledge) -> int:
    """Coverage of a document without numbered headings (a click-through tool): per screen
    (page), judged by the words a section holds, since no citation names a screen."""
    from bot.coverage import SCREEN_COVERED, cover_screens, scan_screens, section_text

    screens = scan_screens(source.text, source.page_offsets)
    sections = [(v.id, section_text(v.section)) for v in kb.sections if v.section.source.document == document]
    result = cover_screens(screens, sections)
    missing = [c for c in result if not c.covered and not c.navigation]
    navigation = [c for c in result if not c.covered and c.navigation]
    if len(navigation) == len(result):
        print(
            f"Geen genummerde koppen en geen schermen met eigen tekst in {source.path.name}: de dekking is "
            "niet te meten (een lege tekst, of een PDF met alleen afbeeldingen: maak er eerst tekst van).",
            file=sys.stderr,
        )
        return 2

    def lines(item: ScreenCover) -> str:
        also = f" (ook {', '.join(map(str, item.screen.also))})" if item.screen.also else ""
        return f"regel {item.screen.line}{also}: {item.screen.title}"

    print(
        f"{document}: {len(result)} schermen in {source.path.name}, {len(result) - len(missing) - len(navigation)} gedekt, "
        f"{len(missing)} niet gedekt, {len(navigation)} alleen navigatie ({len(sections)} secties citeren dit document)."
    )
    print(
        "Geen genummerde koppen: de eenheden zijn schermen (bladzijden), geen koppen. Een scherm is gedekt "
        f"als één sectie ten minste {SCREEN_COVERED:.0%} van zijn woorden bevat (gewogen: woorden die op "
        "veel schermen staan tellen weinig)."
    )
    if len(screens) == 1 and not screens[0].also and not source.page_offsets:
        print("Geen bladzijden gevonden in de tekst: het hele bestand is één scherm (een PDF wordt per bladzijde gemeten).")
    if missing:
        print("\nNiet gedekt:")
        for item in missing:
            near = f" (meest: {item.best}, {item.score:.0%})" if item.best else ""
            print(f"  {lines(item)}{near}")
            if item.screen.summary:
                print(f"      {item.screen.summary}")
    print("\nGedekt:")
    for item in result:
        if item.covered:
            shown = ", ".join(item.sections[:3]) + (f" (+{len(item.sections) - 3})" if len(item.sections) > 3 else "")
            print(f"  {lines(item)}: {shown} ({item.score:.0%})")
    if navigation:
        print("\nAlleen navigatie, niet meegeteld als gat:")
        for item in navigation:
            print(f"  {lines(item)}: {item.navigation}")
    return 1 if missing else 0


def cmd_import(args: argparse.Namespace) -> int:
    """Draft DIR/knowledge/KEY.yaml from a routeboek's PDF or text, so a new region starts
    from its document's own headings instead of an empty file."""
    from pathlib import Path

    from bot.content import content_dir
    from bot.draft import DraftContext, held_title_match, write_draft
    from bot.headings import scan_headings
    from bot.importing import (
        ImportRefused,
        draft_region,
        named_gemeente,
        prepare_out,
        read_held,
        write_draft_region,
    )
    from bot.sourcetext import SourceError, read_source

    source = _read_input(lambda: read_source(args.source), SourceError)
    if source is None:
        return 2
    out = Path(args.out)
    # An existing folder is the content the draft joins (its regions.yaml names the region).
    base = out if (out / "knowledge").is_dir() and not args.content else content_dir(args.content)
    try:
        held = read_held(base, args.key)
        target = prepare_out(base, out, args.key)
    except ImportRefused as exc:
        print(str(exc), file=sys.stderr)
        return 2
    scan = scan_headings(source.text)
    from bot.draft import document_info

    info = document_info(source, scan)
    supersedes = args.supersedes or (held_title_match(info.title.value, held.titles) if info.title else None)
    if supersedes and supersedes not in held.titles:
        print(f"--supersedes {supersedes}: dat document is er niet. Bekend: {', '.join(sorted(held.titles))}", file=sys.stderr)
        return 2
    region = args.region or (held.regions_of.get(supersedes) if supersedes else None)
    if region is None and args.key.split("-")[0] in held.regions:
        region = args.key.split("-")[0]
    if region is None:
        named = named_gemeente(source.text)
        region = next((rid for rid, (names, _) in held.regions.items() if named in names), None)
    gemeenten, sectors = held.regions.get(region, ([], [])) if region else ([], [])
    # No region known (or --region names one regions.yaml lacks yet): a draft one in the folder's
    # regions.yaml, so the draft loads with --allow-draft and `routeboek check` lists the
    # region's fields as work to do.
    unknown = region is not None and region not in held.regions
    made = draft_region(args.key, source.text, held, region if unknown else None) if region is None or unknown else None
    if made is not None:
        regions_file = write_draft_region(out, made, args.key, [])
        region, gemeenten = made.id, [made.gemeente]
    context = DraftContext(args.key, region, list(gemeenten), list(sectors), supersedes)
    target.write_text(write_draft(source, scan, context), encoding="utf-8")
    from bot.drafts import draft_markers

    markers = draft_markers(target)
    print(f"Concept geschreven: {target}")
    print(
        f"  {len(scan.headings)} koppen als secties, {len(scan.unsure)} twijfelgevallen (bovenaan het bestand), "
        f"{len(markers)} plekken om in te vullen (# DRAFT:)."
    )
    if supersedes:
        print(f"  Nieuwe versie van '{supersedes}': het concept vervangt dat document (supersedes).")
    if made is not None:
        what = f"Regio '{made.id}' stond nog niet in regions.yaml" if unknown else "Geen regio gevonden"
        print(
            f"  {what}: een concept-regio '{made.id}' met gemeente '{made.gemeente}' staat nu in "
            f"{regions_file} (# DRAFT:). Vul haar in, of zet de regio daar zelf en geef --region."
        )
    print(f"Verder: routeboek check --content {out}; routeboek coverage --content {out} --document {args.key} {args.source}")
    return 0


def cmd_try(args: argparse.Namespace) -> int:
    """A maintainer's own question list against their content: how often the bot answers with
    the right section, and for each miss what it gave and what it should have given."""
    from pathlib import Path

    from bot.decision import Decider
    from bot.quality import QuestionFileError, load_questions, run_questions

    questions = _read_input(lambda: load_questions(Path(args.questions)), QuestionFileError)
    if questions is None:
        return 2
    kb = _load(args)
    if kb is None:
        return 1
    tally = run_questions(Path(args.questions).name, questions, Decider(kb), expected_sections=True)
    n, m = tally.n_in or 1, tally.n_out or 1
    print(f"{tally.name}: {tally.n_in} vragen over de routeboeken, {tally.n_out} erbuiten")
    print(f"top-1 {tally.top1 / n:.3f} ({tally.top1}/{tally.n_in})   top-3 {tally.top3 / n:.3f} ({tally.top3}/{tally.n_in})")
    print(
        f"erbuiten afgewezen {tally.declined / m:.3f} ({tally.declined}/{tally.n_out})   "
        f"erbinnen ten onrechte afgewezen {tally.wrongly_declined}"
    )
    if tally.missed:
        print("\nGemist (het eerste antwoord mist een verwacht feit):")
        for miss in tally.missed:
            got = miss.got[0] if miss.got else "afgewezen"
            expected = miss.expected or "geen sectie bevat alle verwachte feiten"
            extra = " (wel in top-3)" if miss.top3 else ""
            print(f"  {miss.id}: {miss.question}")
            print(f"      kreeg {got}{extra}; verwacht {expected}")
    if tally.not_declined:
        print("\nNiet afgewezen (hoort buiten de routeboeken):")
        for qid, question, got in tally.not_declined:
            print(f"  {qid}: {question}\n      kreeg {got}")
    return 0


def cmd_health(args: argparse.Namespace) -> int:
    """The JSON of GET /healthz, for Docker's HEALTHCHECK and monitoring: exit 0 only when the
    database opens and the running bot's heartbeat is recent."""
    from bot.health import report
    from bot.storage import data_dir

    result = report(data_dir())
    _print_json(result)
    return 0 if result["status"] == "ok" else 1


def build_parser() -> argparse.ArgumentParser:
    from bot.settings import describe

    parser = argparse.ArgumentParser(
        prog="routeboek",
        description="Routeboek-bot: de routeboeken verzuim en thuiszitters in een chat.",
        epilog=describe(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"routeboek {package_version()}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--content",
        metavar="DIR",
        help="folder with knowledge/ and flows/ (default: $ROUTEBOEK_CONTENT_DIR or the shipped content)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("check", parents=[common], help="validate knowledge/ and flows/")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("knowledge", parents=[common], help="print the knowledge base")
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.set_defaults(func=cmd_knowledge)

    p = sub.add_parser("ask", parents=[common], help="answer a question from the routeboeken")
    p.add_argument("question", nargs="?", help="the question (omit with --batch)")
    p.add_argument("--gemeente", help="gemeente of the asker, e.g. 'Den Haag'")
    p.add_argument("--sector", choices=["po", "vo"])
    p.add_argument("--top", type=int, default=3, help="number of results (default 3)")
    p.add_argument("--batch", metavar="FILE", help="JSON lines with question/gemeente/sector")
    p.add_argument("--json", action="store_true", help="JSON output (always on for --batch)")
    p.add_argument("--allow-draft", action="store_true", help="also on content with draft markers (to try a draft)")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("timeline", parents=[common], help="escalation deadlines for a case")
    p.add_argument("--gemeente", required=True)
    p.add_argument("--sector", choices=["po", "vo"])
    p.add_argument("--start", required=True, help="first day of zorgwekkend verzuim, YYYY-MM-DD")
    p.add_argument(
        "--done",
        action="append",
        metavar="STEP=YYYY-MM-DD",
        help="the day a step was taken (repeatable); later steps that count from it move",
    )
    p.add_argument("--json", action="store_true")
    p.add_argument("--ics", action="store_true", help="print the iCalendar file the chat sends")
    p.add_argument("--case", metavar="CODE", help="case code for --ics (its events' UIDs follow it)")
    p.set_defaults(func=cmd_timeline)

    p = sub.add_parser("chat", parents=[common], help="console chat (same engine as the Telegram bot)")
    p.add_argument("--allow-draft", action="store_true", help="serve content with draft markers (to try a draft)")
    p.add_argument("--admin", action="store_true", help="the console user is an admin (/stats, /reload, ...)")
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser("run", parents=[common], help="start the Telegram bot (console chat without token)")
    p.add_argument("--webhook", action="store_true", help="webhook mode (WEBHOOK_URL, WEBHOOK_SECRET)")
    p.add_argument("--port", type=int, default=8443, help="webhook listen port (default 8443)")
    p.add_argument("--allow-draft", action="store_true", help="serve content with draft markers (to try a draft)")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser(
        "import",
        parents=[common],
        help="draft DIR/knowledge/KEY.yaml from a routeboek (PDF or text) for a maintainer to fill in",
    )
    p.add_argument("source", help="the routeboek: a PDF or a text file")
    p.add_argument("--key", required=True, help="document key for the draft, e.g. 'zwolle-po-2026'")
    p.add_argument("--out", required=True, metavar="DIR", help="content folder to write to (never the shipped one)")
    p.add_argument("--region", help="region id in regions.yaml (default: from the key or the document it replaces)")
    p.add_argument("--supersedes", metavar="KEY", help="the held document this is a new version of (default: same title)")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser(
        "coverage",
        parents=[common],
        help="headings of a source document (PDF or text) and the sections citing them; exit 1 when one is uncited",
    )
    p.add_argument("--document", required=True, metavar="KEY", help="document key in source.document")
    p.add_argument("source", help="the source document: a PDF or a text file")
    p.set_defaults(func=cmd_coverage)

    p = sub.add_parser(
        "try",
        parents=[common],
        help="answer quality on your own question list (format of shared/eval/questions-dev.yaml)",
    )
    p.add_argument("questions", metavar="QUESTIONS.yaml")
    p.add_argument("--allow-draft", action="store_true", help="also on content with draft markers")
    p.set_defaults(func=cmd_try)

    p = sub.add_parser(
        "restore",
        help="list set-aside copies of the database, or restore one (never while a bot runs)",
    )
    p.add_argument("path", nargs="?", help="the copy to restore (default: only list the copies)")
    p.add_argument("--newest", action="store_true", help="restore the newest copy set aside after a fault")
    p.add_argument(
        "--force", action="store_true", help="also when the current database has data (never while a bot runs)"
    )
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("health", help="is the running bot healthy? JSON as GET /healthz; exit 0 when it is")
    p.set_defaults(func=cmd_health)

    p = sub.add_parser("feedback", help="questions users passed on, grouped, and the sections with most 👎")
    p.add_argument("--top", type=int, default=10, help="number of question groups (default 10)")
    p.set_defaults(func=cmd_feedback)

    p = sub.add_parser("backup", help="a consistent copy of the database, also while the bot runs")
    p.add_argument(
        "path", help="file to write (must not exist), or folder (gets a dated name; made when it ends in /)"
    )
    p.set_defaults(func=cmd_backup)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    problems = settings_problems(args)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        return 2
    result: int = args.func(args)
    return result
