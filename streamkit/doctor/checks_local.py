"""Checks that need neither OBS nor AWS: the config file and its secret references."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel

from streamkit.doctor.core import CheckResult, DoctorContext, Status
from streamkit.errors import ConfigError
from streamkit.secrets import SecretRef


def config_failed(error: ConfigError) -> CheckResult:
    """The result when streamkit.yaml cannot be loaded (every other check is then skipped)."""
    return CheckResult(
        "config",
        Status.FAIL,
        "streamkit.yaml is not valid",
        error.hint or "fix the lines named above and run the doctor again",
        details=error.message.splitlines(),
    )


def check_config(ctx: DoctorContext) -> CheckResult:
    """The config loaded and validated (a failure is reported by `config_failed`)."""
    source = ctx.config.source
    where = str(source) if source else "no config file: defaults only"
    if source is None:
        return CheckResult(
            "config",
            Status.WARN,
            where,
            "write a streamkit.yaml (or pass --config / set STREAMKIT_CONFIG)",
        )
    return CheckResult("config", Status.PASS, f"{where} is valid")


def check_secrets(ctx: DoctorContext) -> CheckResult:
    """Every secret reference resolves; values are fetched but never shown."""
    refs = list(secret_refs(ctx.config))
    if not refs:
        return CheckResult("config.secrets", Status.PASS, "no secret references in the config")
    problems = []
    for field, ref in refs:
        try:
            ref.resolve()
        except ConfigError as exc:
            problems.append((field, ref, exc))
    if problems:
        return CheckResult(
            "config.secrets",
            Status.FAIL,
            f"{len(problems)} of {len(refs)} secret(s) cannot be resolved: "
            + ", ".join(field for field, _, _ in problems),
            "; ".join(dict.fromkeys(exc.hint or f"provide {ref.ref}" for _, ref, exc in problems)),
            details=[exc.message for _, _, exc in problems],
        )
    fields = ", ".join(f"{field} ({ref.ref})" for field, ref in refs)
    return CheckResult("config.secrets", Status.PASS, f"{len(refs)} resolvable: {fields}")


def secret_refs(model: BaseModel, prefix: str = "") -> Iterator[tuple[str, SecretRef]]:
    """(dotted field, reference) for every secret reference in a config model."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        here = f"{prefix}{name}"
        if isinstance(value, SecretRef):
            yield here, value
        elif isinstance(value, BaseModel):
            yield from secret_refs(value, f"{here}.")
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from secret_refs(item, f"{here}[{index}].")
