"""Transports: how the agent speaks, hears and signals in a room (LiveKit rtc, the simulated room, text)."""
