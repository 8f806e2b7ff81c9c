import pytest

from bot.edge.errors import ConfigError
from bot.settings import load_settings
from bot.store.db import async_url


def test_urls_get_the_async_driver() -> None:
    assert async_url("sqlite:///studybot.db") == "sqlite+aiosqlite:///studybot.db"
    assert async_url("sqlite:////abs/path.db") == "sqlite+aiosqlite:////abs/path.db"
    assert async_url("postgresql://u:p@h:5432/db") == "postgresql+asyncpg://u:p@h:5432/db"
    assert async_url("postgres://u@h/db") == "postgresql+asyncpg://u@h/db"


def test_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    for var in ("STUDYBOT_DATABASE_URL", "STUDYBOT_LOG_LEVEL"):
        monkeypatch.delenv(var, raising=False)
    s = load_settings()
    assert s.database_url == "sqlite:///studybot.db"
    assert s.log_level == "INFO"


@pytest.mark.parametrize(
    ("var", "value"),
    [
        ("STUDYBOT_DATABASE_URL", "mysql://x/y"),
        ("STUDYBOT_DATABASE_URL", "not a url"),
        ("STUDYBOT_LOG_LEVEL", "loud"),
        ("STUDYBOT_RATE_LIMIT_PER_MINUTE", "many"),
    ],
)
def test_a_bad_setting_names_its_variable(
    monkeypatch: pytest.MonkeyPatch, var: str, value: str
) -> None:
    monkeypatch.setenv(var, value)
    with pytest.raises(ConfigError, match=var):
        load_settings()


def test_log_level_is_case_insensitive(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STUDYBOT_LOG_LEVEL", "debug")
    assert load_settings().log_level == "DEBUG"
