"""The embedded local stack: HTTP adapter over the Lambda handlers, simulated LiveKit, process launcher."""
