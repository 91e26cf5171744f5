"""The agent image and its task definition stay in step with the code: Dockerfile shape, pinned
requirements that match the lock, and a task environment the agent's settings understand."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from interview_common.launcher.port import LaunchRequest
from interviewer.config import AgentSettings

from local.template_resources import load_template

ROOT = Path(__file__).resolve().parents[3]
DOCKERFILE = (ROOT / "agent_container" / "Dockerfile").read_text()
REQUIREMENTS = (ROOT / "agent_container" / "requirements.txt").read_text()


def pinned() -> dict[str, str]:
    return {
        name.lower(): version
        for name, version in re.findall(r"^([A-Za-z0-9_.-]+)==([^\s;\\]+)", REQUIREMENTS, re.M)
    }


def test_the_image_is_multi_stage_arm64_slim_and_runs_as_a_non_root_user() -> None:
    stages = re.findall(r"^FROM (.+)$", DOCKERFILE, re.M)
    assert stages == [
        "--platform=linux/arm64 python:3.12-slim AS build",
        "--platform=linux/arm64 python:3.12-slim",
    ]
    runtime = DOCKERFILE.split("\nFROM ")[-1]
    assert re.search(r"^USER 10001:10001$", runtime, re.M)
    # No compiler or package manager installs in the final image: only wheels, built in the first stage.
    assert "apt-get" not in DOCKERFILE
    assert "--only-binary=:all:" in DOCKERFILE
    assert "--require-hashes" in DOCKERFILE
    assert "COPY --from=build /opt/venv /opt/venv" in runtime
    assert 'ENTRYPOINT ["python", "-m", "interviewer"]' in runtime
    # The agent and the shared package it uses are both in the image.
    assert "COPY layers/common/interview_common /opt/app/interview_common" in DOCKERFILE
    assert "COPY agent_container/interviewer /opt/app/interviewer" in DOCKERFILE


def test_every_requirement_is_pinned_with_hashes_and_matches_the_projects_pins() -> None:
    entries = re.findall(r"^[A-Za-z0-9_.-]+==\S+", REQUIREMENTS, re.M)
    assert len(entries) == len(pinned())
    for block in re.split(r"\n(?=[A-Za-z0-9])", REQUIREMENTS.split("\n", 7)[-1]):
        if block.strip() and not block.startswith("#"):
            assert "--hash=sha256:" in block, block.splitlines()[0]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    direct = project["dependencies"] + project["optional-dependencies"]["agent"]
    versions = pinned()
    for requirement in direct:
        name, version = re.match(r"([A-Za-z0-9_.-]+)(?:\[[^\]]+\])?==(\S+)", requirement).groups()  # type: ignore[union-attr]
        assert versions[name.lower()] == version, name
    # livekit-agents 1.8.9 pins the rtc SDK it was built against
    assert (versions["livekit-agents"], versions["livekit"]) == ("1.8.9", "1.1.21")
    # The offline speech models stay out of the production image.
    assert not {"piper-tts", "faster-whisper", "ctranslate2"} & set(versions)


def test_the_task_definition_gives_the_agent_a_complete_environment() -> None:
    container = load_template()["Resources"]["AgentTaskDefinition"]["Properties"]["ContainerDefinitions"][0]
    static = {entry["Name"] for entry in container["Environment"]}
    secrets = {entry["Name"] for entry in container["Secrets"]}
    per_interview = set(
        LaunchRequest(
            interview_id="i",
            room_name="r",
            candidate_id="c",
            candidate_identity="ci",
            job_id="j",
            agent_identity="a",
        ).environment()
    )
    known = {field.alias for field in AgentSettings.model_fields.values() if field.alias}
    ours = static | secrets | per_interview
    # Every variable the task sets is one the agent reads (Powertools' own, LOG_LEVEL and the shared
    # package's log pseudonym key aside)...
    libraries = {"POWERTOOLS_SERVICE_NAME", "POWERTOOLS_TRACE_DISABLED", "LOG_LEVEL", "LOG_PSEUDONYM_KEY"}
    assert ours - known - libraries == set()
    # ...and every setting without a default is given.
    required = {field.alias for field in AgentSettings.model_fields.values() if field.is_required()}
    assert required <= ours
    assert {"LIVEKIT_API_KEY", "LIVEKIT_API_SECRET", "OPENAI_API_KEY"} == secrets
    # ECS waits StopTimeout after SIGTERM: time for the agent's goodbye and last writes.
    assert container["StopTimeout"] >= 25


REMOVED_IMPORTS = {
    "pillow": "PIL",
    "grpcio": "grpc",
    "opentelemetry-exporter-otlp-proto-grpc": "opentelemetry.exporter.otlp.proto.grpc",
    "watchfiles": "watchfiles",
    "sounddevice": "sounddevice",
    "types-protobuf": "google-stubs",
}
BLOCKING_RUN = """
import runpy, sys
blocked = tuple(sys.argv[1].split(","))
class Blocker:
    def find_spec(self, name, path=None, target=None):
        if any(name == b or name.startswith(b + ".") for b in blocked):
            raise ModuleNotFoundError(f"not in the image: {name}", name=name)
sys.meta_path.insert(0, Blocker())
import livekit.agents.voice.room_io, livekit.plugins.openai, livekit.plugins.silero  # noqa: E401,F401
import interviewer.brains.openai_brain  # noqa: F401
sys.argv = ["interviewer", "--dry-run"]
runpy.run_module("interviewer", run_name="__main__")
"""


def test_what_the_image_uninstalls_is_pinned_and_the_agent_starts_without_it() -> None:
    import os
    import subprocess
    import sys

    # Given the distributions the Dockerfile uninstalls after installing the pinned requirements
    block = re.search(r"pip uninstall --yes \\\n\s+([^\n\\]+)\\", DOCKERFILE)
    assert block is not None
    removed = block.group(1).split()
    assert set(removed) == set(REMOVED_IMPORTS)
    assert set(removed) <= set(pinned())  # each is in requirements.txt, so the uninstall stays in step

    # When the agent starts as in the image (LiveKit transport, OpenAI speech and brain) with them gone
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "agent_container"), str(ROOT / "layers" / "common")]),
        "AGENT_TRANSPORT": "livekit",
        "OPENAI_API_KEY": "sk-test-not-used",
        "ROOM_NAME": "room-image",
        "INTERVIEW_ID": "imagecheck",
        "CANDIDATE_IDENTITY": "candidate-c",
        "CANDIDATE_ID": "c",
        "JOB_ID": "j",
    }
    modules = ",".join(module for module in REMOVED_IMPORTS.values() if "-" not in module)
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", BLOCKING_RUN, modules], env=env, capture_output=True, text=True, timeout=120
    )

    # Then it is ready to join (the RoomIO and conductor tests passed with these blocked, too, when the
    # list was drawn from bench/bench_agent.py's section 5)
    assert done.returncode == 0, done.stderr[-2000:]
