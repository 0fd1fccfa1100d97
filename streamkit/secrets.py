"""Secret references (`env:NAME`, `ssm:/path`): resolved only when needed, never printed."""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Any

from streamkit.errors import ConfigError
from streamkit.redact import REDACT

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler
    from pydantic_core import CoreSchema

_ENV = re.compile(r"^env:([A-Za-z_][A-Za-z0-9_]*)$")
_SSM = re.compile(r"^ssm:(/[A-Za-z0-9_.\-/]+)$")


class SecretRef:
    """Where a secret lives. Its repr and str show the reference, never the value."""

    def __init__(self, ref: str, origin: str = "") -> None:
        if not (_ENV.match(ref) or _SSM.match(ref)):
            raise ValueError(
                "a secret must be a reference, 'env:VARIABLE' or 'ssm:/parameter/path', "
                "never the secret itself"
            )
        self.ref = ref
        self.origin = origin  # "file:line: field", set by the config loader
        self.region: str | None = None  # for ssm:, workspace.region when the config has one
        self._value: str | None = None

    @property
    def scheme(self) -> str:
        return self.ref.split(":", 1)[0]

    @property
    def name(self) -> str:
        return self.ref.split(":", 1)[1]

    def resolve(self, ssm_client: Any = None) -> str:
        """The secret's value; raises ConfigError naming the reference when it cannot be had."""
        if self._value is None:
            self._value = self._fetch(ssm_client)
            REDACT.add(self._value)  # whatever reads a secret, no log line shows it
        return self._value

    def _fetch(self, ssm_client: Any) -> str:
        where = f"{self.origin}: " if self.origin else ""
        if self.scheme == "env":
            value = os.environ.get(self.name)
            if not value:
                state = "is empty" if self.name in os.environ else "is not set"
                raise ConfigError(
                    f"{where}secret {self.ref}: environment variable {self.name} {state}",
                    hint=f"export {self.name}=... before running streamkit",
                )
            return value
        return _fetch_ssm(self.name, where, ssm_client, self.region)

    def __repr__(self) -> str:
        return f"SecretRef({self.ref!r})"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SecretRef) and other.ref == self.ref

    def __hash__(self) -> int:
        return hash(self.ref)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        # Imported here: a reference read from the config cache needs no pydantic.
        from pydantic_core import core_schema

        return core_schema.no_info_plain_validator_function(
            cls._validate,
            serialization=core_schema.plain_serializer_function_ser_schema(lambda s: s.ref),
            json_schema_input_schema=core_schema.str_schema(),
        )

    @classmethod
    def _validate(cls, value: Any) -> SecretRef:
        if isinstance(value, SecretRef):
            return value
        if not isinstance(value, str):
            raise ValueError("expected a secret reference such as 'env:OBS_WEBSOCKET_PASSWORD'")
        return cls(value)


def _fetch_ssm(path: str, where: str, ssm_client: Any, region: str | None) -> str:
    """Read an SSM SecureString through boto3 (imported only here)."""
    import boto3
    import botocore.exceptions

    try:
        client = ssm_client
        if client is None:
            # AWS_REGION, which the AWS CLI and SDKs read, as well as AWS_DEFAULT_REGION
            region = region or os.environ.get("AWS_REGION") or None
            client = boto3.session.Session(region_name=region).client("ssm")
        answer = client.get_parameter(Name=path, WithDecryption=True)
    except botocore.exceptions.NoCredentialsError:
        raise ConfigError(
            f"{where}secret ssm:{path}: no AWS credentials to read it",
            hint="configure credentials (aws configure, AWS_PROFILE) or use an env: reference",
        ) from None
    except botocore.exceptions.ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "error")
        if code == "ParameterNotFound":
            raise ConfigError(f"{where}secret ssm:{path}: no such SSM parameter") from None
        raise ConfigError(f"{where}secret ssm:{path}: AWS said {code}") from None
    except botocore.exceptions.NoRegionError:
        raise ConfigError(
            f"{where}secret ssm:{path}: no AWS region to read it from",
            hint="set workspace.region in streamkit.yaml or export AWS_REGION",
        ) from None
    except botocore.exceptions.BotoCoreError as exc:
        raise ConfigError(f"{where}secret ssm:{path}: {type(exc).__name__}") from None
    return answer["Parameter"]["Value"]
