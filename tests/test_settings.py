"""Settings: defaults < edge.toml < EDGE_* environment; bad ones named."""

from __future__ import annotations

from pathlib import Path

import pytest

from edge import settings
from edge.settings import SettingsError

README = Path(__file__).resolve().parent.parent / "README.md"


def test_defaults_then_file_then_environment(tmp_path):
    assert settings.load(tmp_path, environ={})["http.port"] == 8080
    (tmp_path / "edge.toml").write_text("settings_version = 1\n[http]\nport = 9000\n")
    assert settings.load(tmp_path, environ={})["http.port"] == 9000
    assert settings.load(tmp_path, environ={"EDGE_HTTP_PORT": "9100"})["http.port"] == 9100


def test_bad_environment_value_names_setting_and_source(tmp_path):
    with pytest.raises(SettingsError) as caught:
        settings.load(tmp_path, environ={"EDGE_HTTP_PORT": "eighty"})
    assert str(caught.value) == ("setting http.port (from EDGE_HTTP_PORT): must be a whole "
                                 "number from 1 to 65535, got 'eighty'")


def test_bad_file_value_and_unknown_setting(tmp_path):
    (tmp_path / "edge.toml").write_text('language = "de"\n')
    with pytest.raises(SettingsError, match="setting language .from edge.toml.: must be one of fa, en"):
        settings.load(tmp_path, environ={})
    (tmp_path / "edge.toml").write_text("[http]\nprot = 1\n")
    with pytest.raises(SettingsError, match="setting http.prot in edge.toml: unknown setting"):
        settings.load(tmp_path, environ={})


def test_broken_toml_and_future_version_refused(tmp_path):
    (tmp_path / "edge.toml").write_text("[http\n")
    with pytest.raises(SettingsError, match="not valid TOML"):
        settings.load(tmp_path, environ={})
    (tmp_path / "edge.toml").write_text("settings_version = 99\n")
    with pytest.raises(SettingsError, match="understands up to"):
        settings.load(tmp_path, environ={})


def test_rendered_file_loads_back_to_the_defaults(tmp_path):
    (tmp_path / "edge.toml").write_text(settings.render_file())
    loaded = settings.load(tmp_path, environ={})
    assert dict(loaded) == {s.name: s.default for s in settings.SETTINGS}


def test_every_setting_has_help_and_is_in_the_readme():
    readme = README.read_text(encoding="utf-8")
    for setting in settings.SETTINGS:
        assert setting.help.strip(), setting.name
        assert f"`{setting.name}`" in readme, f"{setting.name} is not documented in README.md"


def test_rendered_file_keeps_text_with_quotes_and_newlines(tmp_path):
    odd = settings.Setting("office.motto", 'two\nlines "quoted" \\ slash', "A motto.")
    (tmp_path / "edge.toml").write_text(settings.render_file([odd]).replace("# motto", "motto"))
    assert settings.load(tmp_path, environ={}, declared=[odd])["office.motto"] == odd.default
