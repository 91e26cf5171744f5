"""The built-in job profile is a data file (interview_common/data/default_profile.json), validated."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from interview_common.models.job_profile import DEFAULT_PROFILE, DEFAULT_PROFILE_PATH, JobProfile
from pydantic import ValidationError

# model_dump(mode="json") of DEFAULT_PROFILE as the Python literal in models/job_profile.py built it,
# taken before the profile moved to the data file: rubric default-2025.2 must not change under its name.
SNAPSHOT = Path(__file__).parent / "snapshots" / "default_profile_default-2025.2.json"


def test_the_default_profile_loaded_from_its_file_is_the_one_the_code_used_to_build() -> None:
    # Given the profile the Python literal built (rubric default-2025.2)
    before = json.loads(SNAPSHOT.read_text(encoding="utf-8"))

    # When the layer loads the default profile from its data file
    after = DEFAULT_PROFILE.model_dump(mode="json")

    # Then every field is the same: competencies, anchors, indicators, questions, outcome rule
    assert after["rubric_version"] == before["rubric_version"] == "default-2025.2"
    for field in before:
        assert after[field] == before[field], field
    assert after == before


def test_the_default_profile_file_is_shipped_in_the_layer_package() -> None:
    # Given the layer's package folder (sam build copies layers/common/ whole, data files included)
    package = Path(__file__).resolve().parents[2] / "layers" / "common" / "interview_common"

    # Then the profile is read from inside it, as plain JSON a person can edit
    assert DEFAULT_PROFILE_PATH.is_relative_to(package)
    assert json.loads(DEFAULT_PROFILE_PATH.read_text(encoding="utf-8"))["job_id"] == "default"


def test_a_broken_default_profile_is_refused_when_it_is_validated() -> None:
    # Given the file's content with a question mapped to a competency the profile does not have
    data = json.loads(DEFAULT_PROFILE_PATH.read_text(encoding="utf-8"))
    data["questions"][0]["competencies"] = ["no_such_competency"]

    # When it is validated as the layer validates it at import
    # Then it is refused, naming what is wrong
    with pytest.raises(ValidationError, match="unknown competencies"):
        JobProfile.model_validate_json(json.dumps(data))
