"""Settings, read once from the environment."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

import msgspec

DEFAULT_COOP_NAME = "Mutual Support Care Co-operative"


class SettingsError(Exception):
    """A setting in the environment is missing or malformed."""


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    """Everything coop is configured with; see README "Configuration"."""

    database_url: str | None = None
    data_dir: Path = Path(".coop")
    # The key shares that make destroying a key real (docs/security.md); None: data_dir/keys.
    key_dir: Path | None = None
    secret_key: str = ""
    host: str = "127.0.0.1"
    port: int = 8000
    run_worker: bool = True
    # `coop serve` processes sharing the port (each one a GIL; see README).
    web_processes: int = 1
    secure_cookies: bool = False
    coop_name: str = DEFAULT_COOP_NAME
    # How members reach the office, on the help page (each may be left unset).
    office_phone: str = ""
    office_email: str = ""
    office_hours: str = ""
    db_pool_size: int = 16
    # Idle limit; 20 hours or more meets WCAG 2.2.1 without a timeout warning.
    session_hours: int = 20
    # How long a former member's personal data is kept before it may be erased.
    retention_years: int = 10
    # Outgoing mail (see README "Mail"); with no SMTP host, mail waits in the outbox.
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = True
    mail_from: str = ""
    # The public address used in links in e-mails; empty means http://{host}:{port}.
    base_url: str = ""
    # The key that signs the log's checkpoints: a file kept outside the database
    # (`coop audit keygen`); empty means audit_signing_key in the data directory.
    audit_key: str = ""

    @property
    def audit_key_path(self) -> Path:
        return Path(self.audit_key) if self.audit_key else self.data_dir / "audit_signing_key"

    @property
    def checkpoints_dir(self) -> Path:
        """Where checkpoints are published as files (beside the public page)."""
        return self.data_dir / "checkpoints"

    @property
    def renders_dir(self) -> Path:
        """Where documents made in the background are kept for download (render_jobs)."""
        return self.data_dir / "renders"

    @property
    def keys(self) -> Path:
        """The key directory: COOP_KEY_DIR, or ``keys`` in the data directory."""
        return self.key_dir or self.data_dir / "keys"

    @property
    def smtp_configured(self) -> bool:
        return bool(self.smtp_host)

    def link(self, path: str) -> str:
        """The public address of ``path`` (which starts with /), for e-mails."""
        return (self.base_url or f"http://{self.host}:{self.port}").rstrip("/") + path

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read the COOP_* and DATABASE_URL variables (see README)."""
        env = os.environ if env is None else env
        data_dir = Path(env.get("COOP_DATA_DIR", ".coop"))
        smtp_host = env.get("COOP_SMTP_HOST", "").strip()
        mail_from = env.get("COOP_MAIL_FROM", "").strip()
        if smtp_host and "@" not in mail_from:
            raise SettingsError(
                "Set COOP_MAIL_FROM to the address mail comes from (like office@example.org): "
                "it is required when COOP_SMTP_HOST is set"
            )
        base_url = env.get("COOP_BASE_URL", "").strip().rstrip("/")
        if base_url and not base_url.startswith(("http://", "https://")):
            raise SettingsError(
                f"COOP_BASE_URL must start with https:// or http://, not {base_url!r}"
            )
        return cls(
            database_url=env.get("DATABASE_URL") or None,
            data_dir=data_dir,
            key_dir=Path(env["COOP_KEY_DIR"]) if env.get("COOP_KEY_DIR") else None,
            secret_key=env.get("COOP_SECRET_KEY", ""),
            audit_key=env.get("COOP_AUDIT_KEY", "").strip(),
            host=env.get("COOP_HOST", "127.0.0.1"),
            port=_int(env, "COOP_PORT", 8000),
            run_worker=_bool(env, "COOP_RUN_WORKER", True),
            web_processes=_processes(env),
            secure_cookies=_bool(env, "COOP_SECURE_COOKIES", False),
            coop_name=env.get("COOP_NAME", DEFAULT_COOP_NAME),
            office_phone=env.get("COOP_OFFICE_PHONE", "").strip(),
            office_email=env.get("COOP_OFFICE_EMAIL", "").strip(),
            office_hours=env.get("COOP_OFFICE_HOURS", "").strip(),
            db_pool_size=_int(env, "COOP_DB_POOL_SIZE", 16),
            session_hours=_int(env, "COOP_SESSION_HOURS", 20),
            retention_years=_int(env, "COOP_RETENTION_YEARS", 10),
            smtp_host=smtp_host,
            smtp_port=_int(env, "COOP_SMTP_PORT", 587),
            smtp_username=env.get("COOP_SMTP_USERNAME", ""),
            smtp_password=env.get("COOP_SMTP_PASSWORD", ""),
            smtp_starttls=_bool(env, "COOP_SMTP_STARTTLS", True),
            mail_from=mail_from,
            base_url=base_url,
        )

    def with_secret(self) -> Settings:
        """These settings with a secret key, for the commands that need one.

        The single-machine default (no DATABASE_URL) keeps a generated secret in
        the data directory; a real server must be given COOP_SECRET_KEY, so that
        every process uses the same one.
        """
        if self.secret_key:
            return self
        if self.database_url:
            raise SettingsError(
                "Set COOP_SECRET_KEY (a long random string, kept safe and backed up): "
                "it is required when DATABASE_URL is set"
            )
        return msgspec.structs.replace(self, secret_key=_local_secret(self.data_dir))


def _local_secret(data_dir: Path) -> str:
    """The single-machine default keeps its secret in the data directory."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.touch(mode=0o600)
    path.write_text(key)
    return key


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {raw!r}") from None


def _processes(env: Mapping[str, str]) -> int:
    processes = _int(env, "COOP_WEB_PROCESSES", 1)
    if not 1 <= processes <= 64:
        raise SettingsError(f"COOP_WEB_PROCESSES must be from 1 to 64, not {processes}")
    return processes


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name} must be true or false, not {raw!r}")
