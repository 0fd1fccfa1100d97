"""AWS failures as project errors: one line a person can act on, and a documented exit code."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from streamkit.errors import StreamkitError

_ACCESS_CODES = {
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "UnrecognizedClientException",
    "InvalidClientTokenId",
    "ExpiredToken",
    "ExpiredTokenException",
    "SignatureDoesNotMatch",
    "InvalidSignatureException",
}
_THROTTLE_CODES = {"Throttling", "ThrottlingException", "TooManyRequestsException"}


class AwsError(StreamkitError):
    """Any failure talking to AWS."""

    exit_code = 6


class AwsActionFailed(AwsError):
    """AWS refused or could not do what was asked (including a FailedRequests entry)."""

    exit_code = 6


class AwsAccessError(AwsError):
    """No credentials, no region, or the credentials may not do this."""

    exit_code = 7


class StopRefused(AwsActionFailed):
    """The WorkSpace was not stopped because someone may be using it; --force overrides.

    `held_until` is the end of an operator's hold when the hold was one of the reasons.
    """

    def __init__(
        self, message: str, *, hint: str | None = None, held_until: datetime | None = None
    ) -> None:
        super().__init__(message, hint=hint)
        self.held_until = held_until


@contextmanager
def aws_call(action: str) -> Iterator[None]:
    """Turn botocore exceptions raised inside the block into AwsError subclasses."""
    import botocore.exceptions as bx

    try:
        yield
    except bx.NoCredentialsError:
        raise AwsAccessError(
            f"{action}: no AWS credentials found",
            hint="run `aws configure`, set AWS_PROFILE, or export AWS_ACCESS_KEY_ID/SECRET",
        ) from None
    except bx.NoRegionError:
        raise AwsAccessError(
            f"{action}: no AWS region set",
            hint="set workspace.region in streamkit.yaml or export AWS_REGION",
        ) from None
    except _credential_errors(bx) as exc:  # a profile, SSO login or key pair that is unusable
        raise AwsAccessError(
            f"{action}: AWS credentials unusable ({type(exc).__name__}): {exc}",
            hint="check AWS_PROFILE / `aws sso login` / the access key pair",
        ) from None
    except bx.ClientError as exc:
        raise from_client_error(action, exc) from None
    except (bx.EndpointConnectionError, bx.ConnectTimeoutError, bx.ReadTimeoutError) as exc:
        raise AwsActionFailed(f"{action}: could not reach AWS ({type(exc).__name__})") from None
    except bx.ParamValidationError as exc:
        raise AwsActionFailed(f"{action}: invalid request: {exc}") from None
    except bx.BotoCoreError as exc:
        raise AwsActionFailed(f"{action}: {type(exc).__name__}: {exc}") from None


def _credential_errors(bx: Any) -> tuple[type[Exception], ...]:
    names = (
        "ProfileNotFound",
        "PartialCredentialsError",
        "CredentialRetrievalError",
        "TokenRetrievalError",
        "SSOTokenLoadError",
        "UnauthorizedSSOTokenError",
        "InvalidConfigError",
    )
    return tuple(getattr(bx, n) for n in names if hasattr(bx, n))


def from_client_error(action: str, exc: object) -> AwsError:
    """The project error for a botocore ClientError."""
    error = getattr(exc, "response", {}).get("Error", {})
    code = error.get("Code", "Unknown")
    message = error.get("Message", "") or code
    if code in _ACCESS_CODES:
        return AwsAccessError(
            f"{action}: access denied ({code}): {message}",
            hint="the credentials need the actions in infra/cli-policy.yaml",
        )
    if code in _THROTTLE_CODES:
        return AwsActionFailed(
            f"{action}: AWS is throttling requests and retries ran out ({code})",
            hint="wait a minute and run the command again",
        )
    return AwsActionFailed(f"{action}: {code}: {message}")
