"""Schema-bound output from any OpenAI-compatible server, one transport decided once per endpoint.

The first choice is structured outputs (`response_format` json_schema, strict). Servers that do not
support it (llama-cpp-python answers 500 "Input should be 'text' or 'json_object'"; others 400 about
`response_format`) get a forced tool call whose parameters are the schema, and when tools are refused
too, `json_object` mode with the schema in the request and the prompt. The transport that worked is kept
for every later call of this caller (one caller per endpoint): a server is probed once, not every turn.

Every failure raises BrainError (BrainRefused for refusals), so FallbackBrain decides what happens next.
"""

from __future__ import annotations

import json
from typing import Any, Literal, TypeVar

import openai
from pydantic import BaseModel, ValidationError

from interviewer.ports import BrainError, BrainRefused

M = TypeVar("M", bound=BaseModel)
OutputMode = Literal["json_schema", "tool", "json_object"]
MODES: tuple[OutputMode, ...] = ("json_schema", "tool", "json_object")
# Words in a server's error that say it does not support the transport we asked for.
_UNSUPPORTED = {
    "json_schema": ("response_format", "json_schema", "json_object", "input should be", "structured output"),
    "tool": ("tool", "function"),
}


def _unsupported(mode: OutputMode, error: openai.APIStatusError) -> bool:
    if error.status_code not in (400, 404, 415, 422, 500, 501):
        return False
    text = f"{error.message} {error.body!r}".lower()
    return any(marker in text for marker in _UNSUPPORTED.get(mode, ()))


class StructuredCaller:
    """Chat completions parsed into pydantic models, over whichever transport the endpoint supports."""

    def __init__(self, client: openai.AsyncOpenAI, model: str) -> None:
        self._client = client
        self._model = model
        self.mode: OutputMode = "json_schema"

    async def parse(self, schema: type[M], system: str, user: str, *, temperature: float = 0.0) -> M:
        messages: list[Any] = [{"role": "system", "content": system}, {"role": "user", "content": user}]
        while True:
            mode = self.mode
            try:
                return await self._call(mode, schema, messages, temperature)
            except openai.APIStatusError as error:
                if self.mode != mode:
                    continue  # a call in flight at the same time already moved on: use what it found
                later = MODES[MODES.index(mode) + 1 :]
                if not later or not _unsupported(mode, error):
                    raise BrainError(f"{schema.__name__}: {type(error).__name__}") from error
                self.mode = later[0]  # remembered: the next calls start here
            except ValidationError as error:
                raise BrainError(f"{schema.__name__}: the model's output did not match the schema") from error
            except json.JSONDecodeError as error:
                raise BrainError(f"{schema.__name__}: the model's output was not JSON") from error
            except openai.OpenAIError as error:  # timeouts, connection errors, length/filter stops
                raise BrainError(f"{schema.__name__}: {type(error).__name__}") from error

    async def _call(self, mode: OutputMode, schema: type[M], messages: list[Any], temperature: float) -> M:
        name = schema.__name__
        if mode == "json_schema":
            completion = await self._client.chat.completions.parse(
                model=self._model, messages=messages, response_format=schema, temperature=temperature
            )
            if not completion.choices:
                raise BrainError(f"{name}: the response had no choices")
            parsed_message = completion.choices[0].message
            if parsed_message.refusal:
                raise BrainRefused(f"{name}: the model refused")
            if parsed_message.parsed is None:
                raise BrainError(f"{name}: the response had no parsed content")
            return parsed_message.parsed
        json_schema = schema.model_json_schema()
        if mode == "tool":
            response = await self._client.chat.completions.create(
                model=self._model,
                messages=messages,
                temperature=temperature,
                tools=[
                    {
                        "type": "function",
                        "function": {
                            "name": name,
                            "description": f"Record the {name}.",
                            "parameters": json_schema,
                        },
                    }
                ],
                tool_choice={"type": "function", "function": {"name": name}},
            )
        else:
            instruction = (
                f"Answer with one JSON object only, matching this JSON schema: {json.dumps(json_schema)}"
            )
            # llama-cpp-python constrains json_object output to a schema given beside the type.
            json_object: Any = {"type": "json_object", "schema": json_schema}
            response = await self._client.chat.completions.create(
                model=self._model,
                messages=[
                    *messages[:-1],
                    {"role": "user", "content": f"{messages[-1]['content']}\n{instruction}"},
                ],
                temperature=temperature,
                response_format=json_object,
            )
        if not response.choices:
            raise BrainError(f"{name}: the response had no choices")
        choice = response.choices[0]
        if choice.finish_reason == "length":
            raise BrainError(f"{name}: LengthFinishReasonError")
        message = choice.message
        if message.refusal:
            raise BrainRefused(f"{name}: the model refused")
        if mode == "tool":
            calls = [call for call in message.tool_calls or [] if getattr(call, "function", None) is not None]
            if not calls:
                raise BrainError(f"{name}: the model made no tool call")
            return schema.model_validate_json(calls[0].function.arguments)  # type: ignore[union-attr]
        if not message.content:
            raise BrainError(f"{name}: the response had no content")
        return schema.model_validate_json(message.content)
