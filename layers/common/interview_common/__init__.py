"""Shared package of the live interview backend: settings, models, store, LiveKit helpers, launcher."""
