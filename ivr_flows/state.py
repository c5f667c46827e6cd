"""Where a call is in its flow: small, immutable and JSON-serializable, so it can travel in URLs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from ivr_flows.errors import CallStateError
from ivr_flows.model import MAX_VALUE_LENGTH

VERSION = 1
MAX_VALUES = 16


@dataclass(frozen=True)
class CallState:
    """The flow and node a call is at, tries there, language, collected values, prompts heard."""

    flow_id: str
    node_id: str
    language: str
    tries: int = 0
    prompts: int = 0
    human_offered: bool = False
    collected: Mapping[str, str] = field(default_factory=dict)

    def at(self, node_id: str) -> CallState:
        """The state on arriving at another node (no tries there yet)."""
        return replace(self, node_id=node_id, tries=0)

    def asked(self) -> CallState:
        """The state after the caller hears one more prompt at this node."""
        return replace(self, tries=self.tries + 1, prompts=self.prompts + 1)

    def storing(self, name: str, value: str) -> CallState:
        """The state with one more collected value."""
        return replace(self, collected={**self.collected, name: value})

    def to_dict(self) -> dict[str, object]:
        """A compact JSON-ready form (short keys: it is carried in Twilio action URLs)."""
        data: dict[str, object] = {
            "v": VERSION,
            "f": self.flow_id,
            "n": self.node_id,
            "l": self.language,
            "t": self.tries,
            "p": self.prompts,
            "h": int(self.human_offered),
        }
        if self.collected:
            data["c"] = dict(self.collected)
        return data

    @classmethod
    def from_dict(cls, data: object) -> CallState:
        """Rebuild a state from ``to_dict`` output; anything else raises CallStateError."""
        if not isinstance(data, Mapping) or data.get("v") != VERSION:
            raise CallStateError("call state is not a version 1 state mapping")
        unknown = set(data) - {"v", "f", "n", "l", "t", "p", "h", "c"}
        if unknown:
            raise CallStateError(f"call state has unknown keys {sorted(map(str, unknown))}")
        collected = data.get("c", {})
        if not isinstance(collected, Mapping) or len(collected) > MAX_VALUES:
            raise CallStateError("call state values must be a small mapping")
        for name, value in collected.items():
            if not (_is_text(name, 48) and _is_text(value, MAX_VALUE_LENGTH)):
                raise CallStateError("call state values must be short strings")
        return cls(
            flow_id=_text(data, "f"),
            node_id=_text(data, "n"),
            language=_text(data, "l"),
            tries=_count(data, "t", 10),
            prompts=_count(data, "p", 100),
            human_offered=_count(data, "h", 1) == 1,
            collected=dict(collected),
        )


def _is_text(value: object, longest: int) -> bool:
    return isinstance(value, str) and 0 < len(value) <= longest


def _text(data: Mapping[str, object], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not _is_text(value, 64):
        raise CallStateError(f"call state {key!r} must be a short string")
    return value


def _count(data: Mapping[str, object], key: str, highest: int) -> int:
    value = data.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= highest:
        raise CallStateError(f"call state {key!r} must be a whole number from 0 to {highest}")
    return value
