"""The report page ships with the one function that serves it, not in the layer every function gets."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FUNCTION = ROOT / "functions" / "interview_record"
LAYER = ROOT / "layers" / "common"


def test_the_report_function_ships_its_template_stylesheet_and_pinned_jinja2() -> None:
    # Given the folder SAM builds for InterviewRecordFunction (CodeUri functions/interview_record/)
    requirements = (FUNCTION / "requirements.txt").read_text(encoding="utf-8").splitlines()
    pins = {line.strip() for line in requirements if line.strip() and not line.startswith("#")}
    project = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["report"]
    )

    # Then the page, its stylesheet and its renderer are there, and jinja2 is pinned as the tests run it
    for name in ("report_page.py", "templates/report.html.j2", "templates/report.css"):
        assert (FUNCTION / name).is_file(), name
    assert any(pin.startswith("jinja2==") for pin in pins)
    assert pins <= project, f"{pins - project} differ from pyproject.toml"


def test_the_layer_carries_no_report_page_and_no_jinja2() -> None:
    # Given the layer's package and its requirements
    layer_requirements = (LAYER / "requirements.txt").read_text(encoding="utf-8")
    sources = "".join(path.read_text(encoding="utf-8") for path in LAYER.rglob("*.py"))

    # Then no function but the report's pays for the page or the template engine
    assert not (LAYER / "interview_common" / "report_html.py").exists()
    assert "jinja2" not in layer_requirements
    assert "import jinja2" not in sources and "from jinja2" not in sources
