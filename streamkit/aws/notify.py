"""Tell the people who watch the WorkSpace: a message to an SNS topic (e-mail, SMS, chat)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from streamkit.aws.errors import aws_call

log = logging.getLogger(__name__)

#: SNS limits: subject up to 100 characters on one line; message up to 256 KB.
MAX_SUBJECT = 100


def sns_notifier(client: Any, topic_arn: str) -> Callable[[str, str], None]:
    """A `notify(subject, message)` that publishes to the topic through a boto3 `sns` client.

    It raises AwsError when SNS refuses; the runner logs that and carries on.
    """

    def notify(subject: str, message: str) -> None:
        line = " ".join(subject.split())
        if len(line) > MAX_SUBJECT:
            line = line[: MAX_SUBJECT - 3] + "..."
        with aws_call(f"SNS Publish to {topic_arn}"):
            client.publish(TopicArn=topic_arn, Subject=line, Message=message)
        log.info("notified %s: %s", topic_arn, line)

    return notify
