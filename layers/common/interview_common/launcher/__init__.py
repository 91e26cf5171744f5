"""Launcher port: start one agent for one interview, stop it when the interview ends."""

from interview_common.launcher.port import AgentLauncher, LaunchRequest, LaunchResult

__all__ = ["AgentLauncher", "LaunchRequest", "LaunchResult"]
