"""Test bed: a real IRC server (Debian's ngircd) on loopback, and a raw client to talk in it."""

from __future__ import annotations

import contextlib
import datetime
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from tests.realobs import REQUIRE_ENV, TestBedUnavailable, free_port

NGIRCD = "ngircd"
OPERATOR_PASSWORD = "poster-oper-pw"


def unavailable(reason: str) -> None:
    """Skip the test (fail it under STREAMKIT_REQUIRE_REAL_OBS=1): the IRC server cannot run."""
    import pytest

    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"real IRC test bed required ({REQUIRE_ENV}=1) but unavailable: {reason}")
    pytest.skip(f"real IRC test bed unavailable: {reason}")


class IrcServer:
    """ngircd in the foreground on free loopback ports (plain, and TLS when `tls`), with an
    operator account so a test's poster can lift the flood limit. `restart()` keeps the ports."""

    def __init__(
        self, *, password: str | None = None, tls: bool = False, port: int | None = None
    ) -> None:
        self.host = "127.0.0.1"
        self.port = port or free_port()
        self.tls_port = free_port() if tls else None
        self.password = password
        self.folder = Path(tempfile.mkdtemp(prefix="streamkit-ircd-"))
        self.cert: Path | None = None
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 20.0) -> IrcServer:
        binary = shutil.which(NGIRCD) or f"/usr/sbin/{NGIRCD}"
        if not Path(binary).exists():
            raise TestBedUnavailable("ngircd is not installed (run `make system-deps`)")
        conf = self._write_config()
        self.process = subprocess.Popen(
            [binary, "--nodaemon", "--config", str(conf)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                stderr = self.process.stderr
                err = stderr.read().decode(errors="replace") if stderr else ""
                raise TestBedUnavailable(f"ngircd exited: {err.strip()[-500:]}")
            if all(_listening(self.host, p) for p in (self.port, self.tls_port) if p):
                return self
            time.sleep(0.05)
        self.stop()
        raise TestBedUnavailable("ngircd did not listen in time")

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        if process is not None and process.stderr:
            process.stderr.close()

    def restart(self) -> None:
        self.stop()
        self.start()

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _write_config(self) -> Path:
        ssl = ""
        if self.tls_port:
            key, cert = self._certificate()
            ssl = f"KeyFile = {key}\nCertFile = {cert}\nPorts = {self.tls_port}\n"
        password = f"Password = {self.password}\n" if self.password else ""
        conf = self.folder / "ngircd.conf"
        conf.write_text(
            f"""[Global]
Name = irc.streamkit.test
Info = streamkit test bed
AdminInfo1 = streamkit tests
AdminInfo2 = loopback
AdminEMail = nobody@streamkit.test
Listen = {self.host}
Ports = {self.port}
MotdPhrase = streamkit test bed
{password}
[Limits]
MaxNickLength = 31
PingTimeout = 120
PongTimeout = 20
[Options]
PAM = no
Ident = no
DNS = no
[SSL]
{ssl}
[Operator]
Name = poster
Password = {OPERATOR_PASSWORD}
""",
            encoding="utf-8",
        )
        conf.chmod(0o644)
        self.folder.chmod(0o755)
        return conf

    def _certificate(self) -> tuple[Path, Path]:
        key, self.cert = self_signed(self.folder, self.host)
        return key, self.cert


def self_signed(folder: Path, host: str) -> tuple[Path, Path]:
    """A key and self-signed certificate for `host` (an IP) in `folder`: (key.pem, cert.pem)."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "irc.streamkit.test")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(host))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = folder / "key.pem", folder / "cert.pem"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.chmod(0o644)  # ngircd reads it after dropping root to nobody
    return key_path, cert_path


def _listening(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=0.5).close()
        return True
    except OSError:
        return False


class Poster:
    """A plain IRC client that joins a channel and says things (an operator, so unthrottled)."""

    def __init__(self, server: IrcServer, nick: str, channel: str) -> None:
        self.nick, self.channel = nick, channel
        self.sock = socket.create_connection((server.host, server.port), timeout=10)
        password = f"PASS {server.password}\r\n" if server.password else ""
        self._send(
            f"{password}NICK {nick}\r\nUSER {nick} 0 * :{nick}\r\n"
            f"OPER poster {OPERATOR_PASSWORD}\r\nMODE {nick} +F\r\nJOIN #{channel}\r\n"
        )
        self._seen = b""
        self._wait_for(f" JOIN :#{channel}", f" JOIN #{channel}")
        self._wait_for(" :+F")

    def say(self, text: str) -> None:
        self._send(f"PRIVMSG #{self.channel} :{text}\r\n")

    def send(self, line: str) -> None:
        self._send(line + "\r\n")

    def _send(self, data: str) -> None:
        self.sock.sendall(data.encode("utf-8"))

    def _wait_for(self, *needles: str, timeout: float = 10.0) -> None:
        """Until one of `needles` has arrived (in anything received since connecting)."""
        deadline = time.monotonic() + timeout
        while not any(n in self._seen.decode(errors="replace") for n in needles):
            if time.monotonic() > deadline:
                raise AssertionError(f"the poster never saw {needles!r}; got {self._seen[-500:]!r}")
            chunk = self.sock.recv(65536)
            if not chunk:
                raise AssertionError(f"the server closed the poster's connection: {self._seen!r}")
            self._seen += chunk

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._send("QUIT :bye\r\n")
        self.sock.close()
