"""boto3 clients with botocore's retry modes; AWS_ENDPOINT_URL (moto, LocalStack) is honoured."""

from __future__ import annotations

import os
from typing import Any, Literal

from streamkit.aws.errors import aws_call

RetryMode = Literal["standard", "adaptive"]


def make_client(
    service: str,
    region: str | None = None,
    *,
    retry_mode: RetryMode = "adaptive",
    max_attempts: int = 8,
) -> Any:
    """A boto3 client for `service`; region None means the usual AWS_REGION/profile lookup.

    Throttled calls are retried by botocore (adaptive mode also rate-limits the client side).
    """
    import boto3
    from botocore.config import Config

    config = Config(
        retries={"mode": retry_mode, "max_attempts": max_attempts},
        connect_timeout=10,
        read_timeout=30,
        user_agent_appid="streamkit",
    )
    # botocore reads AWS_DEFAULT_REGION; AWS_REGION, which the AWS CLI and SDKs read, too
    region = region or os.environ.get("AWS_REGION") or None
    with aws_call(f"create {service} client"):
        session = boto3.session.Session(region_name=region)
        return session.client(service, config=config)
