"""`ssm:` secret references read through boto3 from the SSM service (moto server)."""

from __future__ import annotations

import pytest

from streamkit.errors import ConfigError
from streamkit.redact import REDACT
from streamkit.secrets import SecretRef
from tests.aws.conftest import REGION

pytestmark = pytest.mark.aws


def test_a_secure_string_is_read_and_kept_out_of_logs(moto, in_moto):
    moto.client("ssm").put_parameter(
        Name="/meetup/stream-key", Value="live_ssm_secret_value", Type="SecureString"
    )
    ref = SecretRef("ssm:/meetup/stream-key")
    ref.region = REGION
    assert ref.resolve() == "live_ssm_secret_value"
    assert REDACT("key=live_ssm_secret_value") == "key=***"
    assert "live_ssm_secret_value" not in repr(ref)


def test_a_missing_parameter_names_the_reference(moto, in_moto):
    ref = SecretRef("ssm:/meetup/nope", origin="streamkit.yaml:3: obs.stream_key")
    ref.region = REGION
    with pytest.raises(
        ConfigError,
        match=r"^streamkit.yaml:3: obs.stream_key: secret ssm:/meetup/nope: no such SSM parameter$",
    ):
        ref.resolve()
