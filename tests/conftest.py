"""Shared fixtures: a tiny, self-contained content folder for unit tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

REGIONS = """\
regions:
  - id: testregio
    name: Testregio
    sectors: [vo]
    gemeenten:
      - name: Den Haag
        aliases: ["'s-Gravenhage", "DH"]
      - name: Rijswijk
  - id: apeldoorn
    name: Apeldoorn
    sectors: [po, vo]
    gemeenten:
      - name: Apeldoorn
"""

DOC = """\
document:
  key: test-doc
  title: Testroutebook
  publisher: Test
  version: "2025"
  region: testregio
  gemeenten: [Den Haag, Rijswijk]
  sectors: [vo]
sections:
  - id: t-ziek
    title: Ziekteverzuim
    text: |
      Bij de vierde ziekmelding in 12 schoolweken meldt de school de leerling bij de JGZ.
    source: {document: test-doc, section: "Fase 2"}
    keywords: [ziek, jgz]
    roles: [jgz]
  - id: t-gesprek
    title: Gesprek met ouders
    text: Het eerste gesprek met ouders en leerling over het verzuim.
    source: {document: test-doc, section: "Fase 2.1"}
    per_gemeente:
      Rijswijk: Het gesprek wordt gevoerd door leerplicht.
escalation:
  - gemeente: Den Haag
    sectors: [vo]
    source: {document: test-doc, section: "Bijlage 1"}
    steps:
      - step: "1"
        name: Intercollegiale afstemming
        term: {text: "4-8 weken", weeks: 4, weeks_max: 8}
roles:
  - id: jgz
    name: JGZ
    tasks: [Spreekuur]
    source: {document: test-doc, section: "Bijlage 2"}
terms:
  - term: JGZ
    expansion: Jeugdgezondheidszorg
    source: {document: test-doc, section: Afkortingen}
"""

FLOW = """\
id: testflow
title: Testroute
start: vraag
nodes:
  vraag:
    type: question
    text: Is de leerling ingeschreven?
    options:
      - label: Ja
        next: einde-ja
      - label: Nee
        next: einde-nee
  einde-ja:
    type: end
    title: Ingeschreven
    responsible: School
    source: {document: test-doc, section: "Fase 1"}
  einde-nee:
    type: end
    title: Niet ingeschreven
    responsible: Leerplicht
    source: {document: test-doc, section: "Route 2"}
"""


def write_content(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


@pytest.fixture
def content_files() -> dict[str, str]:
    return {
        "knowledge/regions.yaml": REGIONS,
        "knowledge/test-doc.yaml": DOC,
        "flows/testflow.yaml": FLOW,
    }


@pytest.fixture
def content_dir(tmp_path: Path, content_files: dict[str, str]) -> Path:
    return write_content(tmp_path / "content", content_files)
