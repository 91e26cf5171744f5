"""Data access for a job's versioned profiles (`JOB#<jobId>`).

- `PROFILE#v<nnnnnn>`: one version of the job's profile, written once and never changed (the number is
  zero-padded so versions sort in the table; the profile itself is JSON text, like the legacy item).
- `PROFILE#CURRENT`: the pointer to the version new interviews get, or `retired` (they get the built-in
  default again). A new version and the pointer are written in one transaction whose conditions make two
  concurrent saves take different numbers (the loser's transaction is cancelled and it tries the next).
- `PROFILE`: the legacy, unversioned item (written by hand or by older tools). It is still read when the
  job has no pointer, and never written here.

An interview records the version it started with on its META (`profile_version`); the agent reads that
version, so an edit or a retirement never changes a running interview.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any, Literal

from botocore.exceptions import ClientError

from interview_common.aws_clients import client
from interview_common.dal.table import (
    from_attribute_values,
    is_conditional_failure,
    storage_errors,
    to_attribute_values,
)
from interview_common.models.items import job_pk
from interview_common.models.job_profile import DEFAULT_PROFILE, PROFILE_SK, JobProfile

CURRENT_SK = "PROFILE#CURRENT"
VERSION_PREFIX = "PROFILE#v"
# Recorded on an interview's META when it started with the built-in default (no profile, or retired).
DEFAULT_VERSION = 0
# DynamoDB's transaction is what keeps saves apart across processes. Threads of one process (the local
# stack serves requests from a thread pool) also send their transactions one at a time, because moto's
# transactions are not isolated from each other (two could both pass their conditions).
_SAVING = threading.Lock()

ProfileSource = Literal["stored", "legacy", "default"]


def version_sk(version: int) -> str:
    return f"{VERSION_PREFIX}{version:06d}"


class VersionTaken(Exception):
    """Another save took this version number first (the caller reads the pointer again and retries)."""


@dataclass(frozen=True)
class ProfilePointer:
    current_version: int
    retired: bool
    updated_at: str
    retired_at: str | None = None


@dataclass(frozen=True)
class ProfileVersion:
    version: int
    profile: JobProfile
    saved_at: str


@dataclass(frozen=True)
class ResolvedProfile:
    """The profile new interviews of a job get now, and where it comes from."""

    profile: JobProfile
    source: ProfileSource
    version: int | None  # the stored version; None for the legacy item and the default
    pointer: ProfilePointer | None

    @property
    def interview_version(self) -> int | None:
        """What start-interview records on META: the version, 0 for the default, None for legacy."""
        if self.source == "stored":
            return self.version
        if self.source == "default":
            return DEFAULT_VERSION
        return None


def default_profile_for(job_id: str) -> JobProfile:
    return DEFAULT_PROFILE.model_copy(update={"job_id": job_id})


class JobProfileRepository:
    def __init__(self, table_name: str, dynamodb: Any | None = None) -> None:
        self.table_name = table_name
        self._dynamodb = dynamodb or client("dynamodb")

    # -- reads ------------------------------------------------------------------------------------

    def pointer(self, job_id: str) -> ProfilePointer | None:
        item = self._get(job_id, CURRENT_SK)
        if item is None:
            return None
        return ProfilePointer(
            current_version=int(item.get("current_version", 0)),
            retired=bool(item.get("retired", False)),
            updated_at=str(item.get("updated_at", "")),
            retired_at=item.get("retired_at"),
        )

    def version(self, job_id: str, version: int) -> ProfileVersion | None:
        item = self._get(job_id, version_sk(version))
        return _version_from_item(item) if item else None

    def legacy(self, job_id: str) -> JobProfile | None:
        item = self._get(job_id, PROFILE_SK)
        return JobProfile.from_item(item) if item else None

    def resolve(self, job_id: str) -> ResolvedProfile:
        """The profile new interviews get: the current version, else the legacy item, else the default."""
        pointer = self.pointer(job_id)
        if pointer is not None:
            if not pointer.retired and pointer.current_version > 0:
                stored = self.version(job_id, pointer.current_version)
                if stored is not None:
                    return ResolvedProfile(stored.profile, "stored", stored.version, pointer)
            return ResolvedProfile(default_profile_for(job_id), "default", None, pointer)
        legacy = self.legacy(job_id)
        if legacy is not None:
            return ResolvedProfile(legacy, "legacy", None, None)
        return ResolvedProfile(default_profile_for(job_id), "default", None, None)

    def version_for_new_interview(self, job_id: str) -> int | None:
        """What start-interview records on META: the current version, 0 for the default, None for legacy.

        Reads only the small pointer (and, for a job without one, whether a legacy item exists).
        StorageUnavailable when DynamoDB could not be read.
        """
        with storage_errors("reading the job's profile version"):
            pointer = self.pointer(job_id)
            if pointer is not None:
                return pointer.current_version if not pointer.retired and pointer.current_version > 0 else 0
            return None if self._get(job_id, PROFILE_SK) is not None else DEFAULT_VERSION

    def for_interview(self, job_id: str, version: int | None) -> tuple[JobProfile, ProfileSource]:
        """The profile an interview started with (`version` from its META; None: resolved now, as before)."""
        if version == DEFAULT_VERSION:
            return default_profile_for(job_id), "default"
        if version is not None:
            stored = self.version(job_id, version)
            if stored is not None:
                return stored.profile, "stored"
        resolved = self.resolve(job_id)
        return resolved.profile, resolved.source

    def versions(
        self, job_id: str, *, limit: int, start_after: int | None = None
    ) -> tuple[list[ProfileVersion], int | None]:
        """Versions newest first, at most `limit`, and the last one's number when more remain."""
        upper = version_sk(start_after) if start_after is not None else VERSION_PREFIX + "\uffff"
        request: dict[str, Any] = {
            "TableName": self.table_name,
            "KeyConditionExpression": "PK = :pk AND SK BETWEEN :first AND :last",
            "ExpressionAttributeValues": {
                ":pk": {"S": job_pk(job_id)},
                ":first": {"S": VERSION_PREFIX},
                ":last": {"S": upper},
            },
            "ScanIndexForward": False,
            "ConsistentRead": True,
            "Limit": limit + 1,
        }
        found: list[ProfileVersion] = []
        while len(found) <= limit:
            response = self._dynamodb.query(**request)
            for raw in response.get("Items", []):
                version = _version_from_item(from_attribute_values(raw))
                if start_after is None or version.version < start_after:
                    found.append(version)
            if "LastEvaluatedKey" not in response:
                break
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]
        if len(found) > limit:
            return found[:limit], found[limit - 1].version
        return found, None

    # -- writes -----------------------------------------------------------------------------------

    def save_version(
        self,
        job_id: str,
        version: ProfileVersion,
        *,
        previous: ProfilePointer | None,
    ) -> None:
        """Write `version` and point the job at it, only if the pointer is still `previous`."""
        pointer = {
            "PK": job_pk(job_id),
            "SK": CURRENT_SK,
            "current_version": version.version,
            "retired": False,
            "updated_at": version.saved_at,
            "rubric_version": version.profile.rubric_version,
            "title": version.profile.title,
        }
        if previous is None:
            pointer_condition: dict[str, Any] = {"ConditionExpression": "attribute_not_exists(PK)"}
        else:
            pointer_condition = {
                "ConditionExpression": "current_version = :previous",
                "ExpressionAttributeValues": {":previous": {"N": str(previous.current_version)}},
            }
        try:
            with _SAVING:
                self._dynamodb.transact_write_items(
                    TransactItems=[
                        {
                            "Put": {
                                "TableName": self.table_name,
                                "Item": to_attribute_values(_version_item(job_id, version)),
                                "ConditionExpression": "attribute_not_exists(PK)",
                            }
                        },
                        {
                            "Put": {
                                "TableName": self.table_name,
                                "Item": to_attribute_values(pointer),
                                **pointer_condition,
                            }
                        },
                    ]
                )
        except ClientError as error:
            if is_conditional_failure(error):
                raise VersionTaken(str(version.version)) from error
            raise

    def retire(self, job_id: str, *, retired_at: str, current_version: int) -> ProfilePointer:
        """Mark the job's profile retired (creating the pointer over a legacy-only job); idempotent."""
        response = self._dynamodb.update_item(
            TableName=self.table_name,
            Key={"PK": {"S": job_pk(job_id)}, "SK": {"S": CURRENT_SK}},
            UpdateExpression=(
                "SET retired = :yes, retired_at = if_not_exists(retired_at, :now), updated_at = :now, "
                "current_version = if_not_exists(current_version, :version)"
            ),
            ExpressionAttributeValues={
                ":yes": {"BOOL": True},
                ":now": {"S": retired_at},
                ":version": {"N": str(current_version)},
            },
            ReturnValues="ALL_NEW",
        )
        item = from_attribute_values(response["Attributes"])
        return ProfilePointer(
            current_version=int(item["current_version"]),
            retired=True,
            updated_at=str(item["updated_at"]),
            retired_at=item.get("retired_at"),
        )

    def _get(self, job_id: str, sort_key: str) -> dict[str, Any] | None:
        response = self._dynamodb.get_item(
            TableName=self.table_name,
            Key={"PK": {"S": job_pk(job_id)}, "SK": {"S": sort_key}},
            ConsistentRead=True,
        )
        item = response.get("Item")
        return from_attribute_values(item) if item else None


def _version_item(job_id: str, version: ProfileVersion) -> dict[str, Any]:
    return {
        "PK": job_pk(job_id),
        "SK": version_sk(version.version),
        "version": version.version,
        "title": version.profile.title,
        "rubric_version": version.profile.rubric_version,
        "saved_at": version.saved_at,
        # JSON text: nested lists of floats never meet DynamoDB's Decimal (as the legacy item).
        "profile": version.profile.model_dump_json(),
    }


def _version_from_item(item: dict[str, Any]) -> ProfileVersion:
    return ProfileVersion(
        version=int(item["version"]),
        profile=JobProfile.model_validate(json.loads(item["profile"])),
        saved_at=str(item.get("saved_at", "")),
    )
