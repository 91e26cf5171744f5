"""Browser access: a candidate's page authenticates with the candidate's own LiveKit token.

A browser cannot hold BACKEND_API_KEY, but the candidate's page already holds a LiveKit token for its room
(from /start-interview or /token). With the deployment's BrowserAccess parameter on, that token, sent as
`Authorization: Bearer <token>`, is accepted on the few routes about that room and that participant:
its status, its own token refresh, its candidate details and candidate-joined. It is verified with the
backend's own LiveKit key pair, so only tokens this backend (or its LiveKit project) minted pass:

- signature (HS256 with our API secret) and issuer (our API key); an expiry is required and enforced;
- a room grant: `roomJoin` for one named room (the only room the caller may ask about);
- an ordinary participant: not an agent token (`kind` agent, or the `agent` grant), not a server token
  (room admin/create/list grants), not an identity reserved for the interviewer (`interview-agent*`).

Why this is safe: the token already is the key to the room; whoever holds it can join the interview and
see and hear everything in it. The routes it opens show less than the room does (answers to browser
callers leave out emails, names and metadata), change nothing but the room's own context, and a token
refresh is for the same room and identity only, never longer than the backend's own token lifetime.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from interview_common.credentials import LiveKitKeyPair
from interview_common.errors import Unauthorized
from interview_common.models.identifiers import is_agent_identity

# Clock skew allowed between the minting server and this one (LiveKit's own default is a minute).
TOKEN_LEEWAY = timedelta(seconds=10)
_ORDINARY_KINDS = frozenset({"", "standard"})


@dataclass(frozen=True)
class BrowserCaller:
    """A request authenticated with a candidate's LiveKit token: the room and identity it is for."""

    room_name: str
    identity: str

    def require_room(self, room_name: str) -> None:
        if room_name != self.room_name:
            raise Unauthorized("this token does not grant access to that room")

    def require_identity(self, identity: str) -> None:
        if identity != self.identity:
            raise Unauthorized("this token is for another participant")


def looks_like_token(credential: str) -> bool:
    """A JWT (three base64url parts), as opposed to an API key."""
    return credential.count(".") == 2 and all(credential.split("."))


def verify_candidate_token(token: str, keys: LiveKitKeyPair) -> BrowserCaller:
    """The room and identity of a valid candidate token; Unauthorized for anything else. The reason is
    said in general words: never the token, its claims or why the signature failed."""
    from livekit import api  # first use only: the API-key routes never pay for it

    try:
        claims = api.TokenVerifier(keys.api_key, keys.api_secret, leeway=TOKEN_LEEWAY).verify(token)
    except Exception as error:  # bad signature, foreign issuer, expired, no expiry, malformed
        raise Unauthorized("the token is not valid (signature, issuer or expiry)") from error
    video = claims.video
    if claims.kind not in _ORDINARY_KINDS or (video is not None and video.agent):
        raise Unauthorized("an agent's token does not give browser access")
    if video is None or not video.room_join or not video.room:
        raise Unauthorized("the token does not grant joining a room")
    if video.room_admin or video.room_create or video.room_list:
        raise Unauthorized("a server token does not give browser access")
    if not claims.identity or is_agent_identity(claims.identity):
        raise Unauthorized("the token's identity is reserved for the interviewer")
    return BrowserCaller(room_name=video.room, identity=claims.identity)
