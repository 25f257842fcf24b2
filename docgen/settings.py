"""The service settings: one object, read the same way by ``docgen serve``, ``create_app()`` and the CLI.

Each setting comes, from lowest to highest priority, from its default, a TOML file named by
``DOCGEN_SETTINGS`` (or ``--settings``), the environment (``DOCGEN_<NAME>``), and a CLI flag.
The README's settings table lists them all.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

from .archive import ArchiveLimits
from .converter import DEFAULT_WORKERS, PoolSettings
from .errors import ConfigError
from .intake.workbooks import IntakeLimits, SheetLimits

SETTINGS_FILE_ENV = "DOCGEN_SETTINGS"


def _default_data_dir() -> Path:
    """``$XDG_DATA_HOME/docgen`` (``~/.local/share/docgen``): kept across restarts, unlike /tmp."""
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "docgen"


class Settings(BaseSettings):
    """Everything about how the service runs; the locality profile (``--config``) is separate."""

    model_config = SettingsConfigDict(env_prefix="DOCGEN_", extra="forbid", frozen=True)

    host: str = Field("127.0.0.1", title="监听地址")
    port: int = Field(8000, ge=1, le=65535, title="端口")
    processes: int = Field(1, ge=1, le=32, title="服务进程数（gunicorn 在同一端口上运行的服务进程个数，各有自己的转换进程池）")
    pdf_workers: int = Field(DEFAULT_WORKERS, ge=1, le=32, title="每个服务进程的 LibreOffice 转换进程数")
    pdf_timeout: float = Field(30.0, gt=0, le=600, title="单份文书转换时限（秒）")
    pdf_start_timeout: float = Field(60.0, gt=0, le=600, title="转换进程启动时限（秒）")
    pdf_max_documents: int = Field(200, ge=1, title="转换进程处理多少份后轮换")
    pdf_health_interval: float = Field(15.0, gt=0, title="空闲转换进程健康检查间隔（秒）")
    work_dir: Path = Field(Path(tempfile.gettempdir()), title="转换进程的临时目录所在位置")
    request_timeout: float = Field(60.0, gt=0, le=3600, title="单个请求的时限（秒，含排队）")
    concurrency: int = Field(4, ge=1, le=64, title="同时处理的请求数")
    queue_size: int = Field(8, ge=0, le=256, title="排队等待的请求数上限")
    shutdown_grace: float = Field(10.0, ge=0, le=600, title="停止服务时等待进行中请求的时限（秒）")
    max_request_bytes: int = Field(16 * 1024 * 1024, ge=1024, title="请求体大小上限（字节）")
    archive_max_entries: int = Field(1000, ge=1, title="上传压缩包（.xlsx/.docx）的文件数上限")
    archive_max_bytes: int = Field(100 * 1024 * 1024, ge=1024, title="上传压缩包解压后的总大小上限（字节）")
    archive_max_ratio: float = Field(100.0, ge=1, title="上传压缩包中单个文件的压缩比上限")
    sheet_max_rows: int = Field(100_000, ge=10, title="上传表格中一个工作表有数据的行数上限")
    sheet_max_cells: int = Field(5_000_000, ge=100, title="上传表格中一个工作表有数据区域的单元格数上限")
    data_dir: Path = Field(default_factory=_default_data_dir, title="数据目录（批量任务的记录与结果文件、访问凭据）")
    job_threads: int = Field(2, ge=1, le=32, title="每个服务进程同时运行的批量任务数")
    job_lease: float = Field(60.0, ge=2, le=3600, title="批量任务租约时长（秒，进程失联后由其他进程接手）")
    job_keep: int = Field(200, ge=1, title="保留的已结束批量任务数")
    job_queue_limit: int = Field(32, ge=1, title="排队与运行中的批量任务数上限")
    callback_attempts: int = Field(5, ge=1, le=20, title="完成回调的尝试次数")
    callback_timeout: float = Field(10.0, gt=0, le=120, title="完成回调单次请求的时限（秒）")
    job_backend: Literal["local", "celery"] = Field("local", title="批量任务的运行方式（local 本机，celery 分布式）")
    broker_url: str = Field("redis://127.0.0.1:6379/0", title="分布式任务队列（Celery）的 Redis 地址")
    insecure_open: bool = Field(False, title="在非本机地址上不设访问控制也启动（不安全）")
    secure_cookies: bool = Field(False, title="登录 Cookie 只经 HTTPS 发送（在 HTTPS 反向代理之后时开启）")
    session_hours: float = Field(8.0, gt=0, le=24 * 30, title="登录有效时长（小时）")
    job_ttl: float = Field(3600.0, gt=0, le=7 * 24 * 3600, title="批量任务结果的保留时长（秒）")
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list, title="允许跨域访问的来源（如 https://oa.example.gov.cn）")

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _origins(cls, value: Any) -> Any:
        """Origins as a list, or one string (the environment): a JSON list, or separated by commas or spaces;
        each is ``scheme://host[:port]``, as browsers send it in ``Origin``."""
        if isinstance(value, str) and value.lstrip().startswith("["):
            value = json.loads(value)
        elif isinstance(value, str):
            value = [part for part in value.replace(",", " ").split() if part]
        if isinstance(value, (list, tuple)):
            for origin in value:
                parts = urlsplit(str(origin))
                if parts.scheme not in ("http", "https") or not parts.netloc or parts.path or parts.query:
                    raise ValueError(f"来源应写作“协议://主机[:端口]”，如 https://oa.example.gov.cn，收到“{origin}”")
            return [str(origin).lower() for origin in value]
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, env_settings, TomlConfigSettingsSource(settings_cls)

    @property
    def threads(self) -> int:
        """Threads of a web process: the working and the queued requests, plus two kept free so
        that /healthz and the light pages answer under any load."""
        return self.concurrency + self.queue_size + 2

    def pool_settings(self, workers: int | None = None) -> PoolSettings:
        return PoolSettings(
            workers=workers or self.pdf_workers,
            timeout=self.pdf_timeout,
            start_timeout=self.pdf_start_timeout,
            max_documents=self.pdf_max_documents,
            health_interval=self.pdf_health_interval,
            work_dir=self.work_dir,
        )

    def archive_limits(self) -> ArchiveLimits:
        return ArchiveLimits(self.archive_max_entries, self.archive_max_bytes, self.archive_max_ratio)

    def intake_limits(self) -> IntakeLimits:
        """The bounds of opening an uploaded workbook: the archive's and its sheets'."""
        return IntakeLimits(self.archive_limits(), SheetLimits(self.sheet_max_rows, self.sheet_max_cells))


def load_settings(settings_file: str | Path | None = None, **overrides: Any) -> Settings:
    """The settings from the TOML file (``settings_file`` or ``$DOCGEN_SETTINGS``), the environment
    and ``overrides`` (CLI flags; ``None`` values are ignored). Raises :class:`ConfigError` in Chinese."""
    given = {name: value for name, value in overrides.items() if value is not None and value != ()}
    toml_file = settings_file or os.environ.get(SETTINGS_FILE_ENV)
    reader = Settings
    if toml_file:
        if not Path(toml_file).is_file():
            raise ConfigError(f"找不到服务设置文件：{toml_file}")
        config = SettingsConfigDict(**{**Settings.model_config, "toml_file": Path(toml_file)})  # type: ignore[typeddict-item]
        reader = type("Settings", (Settings,), {"model_config": config})
    try:
        return reader(**given)
    except ValidationError as exc:
        raise ConfigError("；".join(_describe(error) for error in exc.errors())) from exc
    except (OSError, ValueError) as exc:  # an unreadable or malformed TOML file
        raise ConfigError(f"服务设置文件 {toml_file} 无法读取：{exc}") from exc


def _describe(error: Any) -> str:
    name = str(error["loc"][0]) if error["loc"] else ""
    field = Settings.model_fields.get(name)
    label = field.title if field is not None and field.title else name
    return f"设置“{label}”（{name}，环境变量 DOCGEN_{name.upper()}）的值 {error.get('input')!r} 无效：{error['msg']}"
