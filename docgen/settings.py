"""The service settings: one object, read the same way by ``docgen serve``, ``create_app()`` and the CLI.

Each setting comes, from lowest to highest priority, from its default, a TOML file named by
``DOCGEN_SETTINGS`` (or ``--settings``), the environment (``DOCGEN_<NAME>``), and a CLI flag.
The README's settings table lists them all.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

from .archive import ArchiveLimits
from .converter import PoolSettings
from .errors import ConfigError
from .intake.workbooks import IntakeLimits, SheetLimits

SETTINGS_FILE_ENV = "DOCGEN_SETTINGS"


class Settings(BaseSettings):
    """Everything about how the service runs; the locality profile (``--config``) is separate."""

    model_config = SettingsConfigDict(env_prefix="DOCGEN_", extra="forbid", frozen=True)

    host: str = Field("127.0.0.1", title="监听地址")
    port: int = Field(8000, ge=1, le=65535, title="端口")
    pdf_workers: int = Field(os.cpu_count() or 2, ge=1, le=32, title="LibreOffice 转换进程数")
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
        """waitress threads: the working and the queued requests, plus two kept free so that
        /healthz and the light pages answer under any load."""
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
    given = {name: value for name, value in overrides.items() if value is not None}
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
