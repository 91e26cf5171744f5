"""Use cases of a job's profile: save a new version, read it (or one version), list versions, retire it.

- PUT validates everything before writing anything: the JobProfile model's fields (each error with its
  field), cross-references (a question naming an unknown competency, repeated ids, outcome thresholds),
  and the texts (job_profile_screen). Any error: `422` and nothing written.
- Each save is a new version `n` (one transaction with the pointer; a concurrent save that took `n`
  makes this one retry as `n+1`). The stored rubric version is `<label>-v<n>` (or `v<n>`): the report of
  every interview names the version it was scored against.
- DELETE retires the profile: new interviews get the built-in default; the versions stay readable and
  running interviews keep the version recorded on their META.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from interview_common.clock import now_iso
from interview_common.dal.job_profiles import (
    JobProfileRepository,
    ProfilePointer,
    ProfileVersion,
    ResolvedProfile,
    VersionTaken,
)
from interview_common.errors import BadRequest, DomainError, NotFound, ServiceUnavailable
from interview_common.logic.job_profile_screen import screen_profile_texts
from interview_common.models.job_profile import JobProfile
from interview_common.models.job_profile_api import (
    JobProfileInput,
    ProfileResponse,
    ProfileVersionsResponse,
    ProfileVersionSummary,
    rubric_label,
    snake_keys,
)
from interview_common.observability import logger, metrics

MAX_SAVE_ATTEMPTS = 16
VERSIONS_PAGE = 50


class ProfileInvalid(DomainError):
    status_code = 422
    code = "validation_error"


class ProfileTextRefused(DomainError):
    status_code = 422
    code = "profile_text_refused"


def parse_profile_body(body: str | None, job_id: str) -> JobProfileInput:
    """The body as a JobProfileInput, or ProfileInvalid naming each field that is wrong."""
    if not body:
        raise BadRequest("the request body must be a JSON job profile")
    try:
        raw = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise BadRequest("the request body is not valid JSON") from error
    if not isinstance(raw, dict):
        raise ProfileInvalid(
            "the request is not valid: body: must be a JSON object",
            [{"field": "body", "message": "must be a JSON object", "type": "model_type"}],
        )
    data = snake_keys(raw)
    try:
        profile = JobProfileInput.model_validate(data)
    except ValidationError as error:
        details = [
            {
                "field": ".".join(["body", *(str(part) for part in item["loc"])]),
                "message": item["msg"],
                "type": item["type"],
            }
            for item in error.errors(include_url=False, include_input=False)
        ]
        raise ProfileInvalid(_summary(details), details) from error
    details = _cross_reference_errors(profile, job_id)
    if details:
        raise ProfileInvalid(_summary(details), details)
    findings = screen_profile_texts(data)
    if findings:
        refused = [{"field": f.field, "message": f.message, "type": f.kind} for f in findings]
        raise ProfileTextRefused(
            "the profile was not saved: some texts are not plain interview content: " + _summary(refused),
            refused,
        )
    return profile


def _cross_reference_errors(profile: JobProfileInput, job_id: str) -> list[dict[str, Any]]:
    details: list[dict[str, Any]] = []

    def error(field: str, message: str, kind: str) -> None:
        details.append({"field": f"body.{field}", "message": message, "type": kind})

    if profile.job_id is not None and profile.job_id != job_id:
        error("job_id", f"names job {profile.job_id!r} but the path is job {job_id!r}", "job_mismatch")
    seen_competencies: set[str] = set()
    for index, competency in enumerate(profile.competencies):
        if competency.id in seen_competencies:
            error(f"competencies.{index}.id", f"competency id {competency.id!r} is repeated", "duplicate_id")
        seen_competencies.add(competency.id)
    seen_questions: set[str] = set()
    for index, question in enumerate(profile.questions):
        if question.id in seen_questions:
            error(f"questions.{index}.id", f"question id {question.id!r} is repeated", "duplicate_id")
        seen_questions.add(question.id)
        for position, competency_id in enumerate(question.competencies):
            if competency_id not in seen_competencies:
                error(
                    f"questions.{index}.competencies.{position}",
                    f"names competency {competency_id!r}, which the profile does not define",
                    "unknown_competency",
                )
    for index, language in enumerate(profile.allowed_languages):
        if not language.isascii() or not language.isalpha() or not 2 <= len(language) <= 3:
            error(f"allowed_languages.{index}", "must be a language code such as 'en' or 'de'", "language")
    if profile.outcome_rule.hold_at > profile.outcome_rule.advance_at:
        error("outcome_rule.hold_at", "must not be above advance_at", "outcome_rule")
    return details


def save_profile(
    job_id: str,
    request: JobProfileInput,
    *,
    profiles: JobProfileRepository,
    now: Callable[[], str] = now_iso,
) -> ProfileResponse:
    label = rubric_label(request.rubric_version)
    fields = request.model_dump(exclude={"job_id", "rubric_version"})
    for _ in range(MAX_SAVE_ATTEMPTS):
        previous = profiles.pointer(job_id)
        number = (previous.current_version if previous else 0) + 1
        profile = JobProfile.model_validate(
            {**fields, "job_id": job_id, "rubric_version": f"{label}-v{number}" if label else f"v{number}"}
        )
        version = ProfileVersion(version=number, profile=profile, saved_at=now())
        try:
            profiles.save_version(job_id, version, previous=previous)
        except VersionTaken:
            continue  # another save took this number: read the pointer again
        metrics.add_metric(name="JobProfileSaved", unit="Count", value=1)
        logger.info(
            "job profile saved",
            extra={"job_id": job_id, "version": number, "questions": len(profile.questions)},
        )
        pointer = ProfilePointer(current_version=number, retired=False, updated_at=version.saved_at)
        return _view(job_id, ResolvedProfile(profile, "stored", number, pointer), saved_at=version.saved_at)
    raise ServiceUnavailable("the job's profile kept changing while it was saved; retry")


def read_profile(
    job_id: str, *, profiles: JobProfileRepository, version: int | None = None
) -> ProfileResponse:
    if version is not None:
        stored = profiles.version(job_id, version)
        if stored is None:
            raise NotFound(f"job {job_id} has no profile version {version}")
        pointer = profiles.pointer(job_id)
        return _view(
            job_id,
            ResolvedProfile(stored.profile, "stored", stored.version, pointer),
            saved_at=stored.saved_at,
        )
    resolved = profiles.resolve(job_id)
    saved_at = None
    if resolved.source == "stored" and resolved.version is not None:
        stored = profiles.version(job_id, resolved.version)
        saved_at = stored.saved_at if stored else None
    return _view(job_id, resolved, saved_at=saved_at)


def list_versions(
    job_id: str, *, profiles: JobProfileRepository, cursor: str | None = None, limit: int = VERSIONS_PAGE
) -> ProfileVersionsResponse:
    start_after = _decode_version_cursor(cursor) if cursor else None
    pointer = profiles.pointer(job_id)
    versions, last = profiles.versions(job_id, limit=limit, start_after=start_after)
    current = pointer.current_version if pointer and pointer.current_version > 0 else None
    retired = bool(pointer and pointer.retired)
    return ProfileVersionsResponse(
        job_id=job_id,
        current_version=current,
        retired=retired,
        versions=[
            ProfileVersionSummary(
                version=item.version,
                rubric_version=item.profile.rubric_version,
                title=item.profile.title,
                saved_at=item.saved_at,
                current=item.version == current and not retired,
                competency_count=len(item.profile.competencies),
                question_count=len(item.profile.questions),
            )
            for item in versions
        ],
        next_cursor=_encode_version_cursor(last) if last is not None else None,
    )


def retire_profile(
    job_id: str, *, profiles: JobProfileRepository, now: Callable[[], str] = now_iso
) -> ProfileResponse:
    pointer = profiles.pointer(job_id)
    if pointer is None and profiles.legacy(job_id) is None:
        raise NotFound(f"job {job_id} has no profile to retire (it uses the built-in default)")
    retired = profiles.retire(
        job_id, retired_at=now(), current_version=pointer.current_version if pointer else 0
    )
    logger.info("job profile retired", extra={"job_id": job_id, "version": retired.current_version})
    metrics.add_metric(name="JobProfileRetired", unit="Count", value=1)
    return read_profile(job_id, profiles=profiles)


def _view(job_id: str, resolved: ResolvedProfile, *, saved_at: str | None) -> ProfileResponse:
    pointer = resolved.pointer
    return ProfileResponse(
        job_id=job_id,
        source=resolved.source,
        is_default=resolved.source == "default",
        version=resolved.version,
        current_version=pointer.current_version if pointer and pointer.current_version > 0 else None,
        retired=bool(pointer and pointer.retired),
        retired_at=pointer.retired_at if pointer and pointer.retired else None,
        saved_at=saved_at,
        rubric_version=resolved.profile.rubric_version,
        profile=resolved.profile.model_dump(mode="json"),
    )


def _encode_version_cursor(version: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"before": version}).encode()).decode().rstrip("=")


def _decode_version_cursor(cursor: str) -> int:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
        before = value["before"]
        if not isinstance(before, int) or before < 1:
            raise ValueError(before)
    except (ValueError, KeyError, TypeError, binascii.Error) as error:
        raise BadRequest("the cursor is not one this route returned") from error
    return before


def _summary(details: list[dict[str, Any]]) -> str:
    return "the request is not valid: " + "; ".join(f"{d['field']}: {d['message']}" for d in details[:5])
