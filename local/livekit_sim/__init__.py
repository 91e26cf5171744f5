"""A simulated LiveKit server: rooms, participants, data relay, Twirp RoomService and signed webhooks."""

from local.livekit_sim.rooms import SimulatedLiveKit

__all__ = ["SimulatedLiveKit"]
