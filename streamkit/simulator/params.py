"""Request-field validation with obs-websocket's status codes and wording."""

from __future__ import annotations

from typing import Any

SUCCESS = 100
MISSING_REQUEST_TYPE = 203
UNKNOWN_REQUEST_TYPE = 204
UNSUPPORTED_BATCH_EXECUTION = 206
MISSING_FIELD = 300
MISSING_DATA = 301
INVALID_FIELD = 400
INVALID_FIELD_TYPE = 401
OUT_OF_RANGE = 402
FIELD_EMPTY = 403
TOO_MANY_FIELDS = 404
OUTPUT_RUNNING = 500
OUTPUT_NOT_RUNNING = 501
OUTPUT_PAUSED = 502
OUTPUT_NOT_PAUSED = 503
STUDIO_MODE_NOT_ACTIVE = 506
NOT_FOUND = 600
ALREADY_EXISTS = 601
INVALID_RESOURCE_TYPE = 602
NOT_ENOUGH_RESOURCES = 603
INVALID_RESOURCE_STATE = 604
INVALID_INPUT_KIND = 605
INVALID_FILTER_KIND = 607
REQUEST_PROCESSING_FAILED = 702
CANNOT_ACT = 703


class RequestError(Exception):
    """A request failed with an obs-websocket RequestStatus code and optional comment."""

    def __init__(self, code: int, comment: str | None = None) -> None:
        super().__init__(comment or str(code))
        self.code = code
        self.comment = comment


class Params:
    """The `requestData` of one request, read the way obs-websocket validates it."""

    def __init__(self, data: Any) -> None:
        self._data = data if isinstance(data, dict) else None

    def _require_data(self) -> dict[str, Any]:
        if self._data is None:
            raise RequestError(MISSING_DATA, "Your request data is missing or invalid (non-object)")
        return self._data

    def has(self, key: str) -> bool:
        return self._data is not None and key in self._data and self._data[key] is not None

    def raw(self, key: str) -> Any:
        return (self._data or {}).get(key)

    def _value(self, key: str) -> Any:
        data = self._require_data()
        if key not in data or data[key] is None:
            raise RequestError(MISSING_FIELD, f"Your request is missing the `{key}` field.")
        return data[key]

    def value(self, key: str) -> Any:
        """A field of any JSON type that must be present and not null."""
        return self._value(key)

    def string(self, key: str, allow_empty: bool = False) -> str:
        value = self._value(key)
        if not isinstance(value, str):
            raise RequestError(INVALID_FIELD_TYPE, f"The field value of `{key}` must be a string.")
        if not value and not allow_empty:
            raise RequestError(FIELD_EMPTY, f"The field value of `{key}` must not be empty.")
        return value

    def boolean(self, key: str) -> bool:
        value = self._value(key)
        if not isinstance(value, bool):
            raise RequestError(INVALID_FIELD_TYPE, f"The field value of `{key}` must be boolean.")
        return value

    def number(self, key: str, minimum: float | None = None, maximum: float | None = None) -> float:
        value = self._value(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise RequestError(INVALID_FIELD_TYPE, f"The field value of `{key}` must be a number.")
        if minimum is not None and value < minimum:
            raise RequestError(
                OUT_OF_RANGE, f"The field value of `{key}` is below the minimum of `{minimum:f}`"
            )
        if maximum is not None and value > maximum:
            raise RequestError(
                OUT_OF_RANGE, f"The field value of `{key}` is above the maximum of `{maximum:f}`"
            )
        return value

    def integer(self, key: str, minimum: float | None = None, maximum: float | None = None) -> int:
        return int(self.number(key, minimum, maximum))

    def obj(self, key: str, allow_empty: bool = True) -> dict[str, Any]:
        value = self._value(key)
        if not isinstance(value, dict):
            raise RequestError(INVALID_FIELD_TYPE, f"The field value of `{key}` must be an object.")
        if not value and not allow_empty:
            raise RequestError(FIELD_EMPTY, f"The field value of `{key}` must not be empty.")
        return value

    def optional_bool(self, key: str, default: bool) -> bool:
        return self.boolean(key) if self.has(key) else default

    def optional_string(self, key: str) -> str | None:
        """A non-empty string field, or None where obs-websocket's ValidateString fails."""
        value = (self._data or {}).get(key)
        return value if isinstance(value, str) and value else None
