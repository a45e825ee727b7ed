"""Provisioning profiles are checked whole before the box is touched."""

from __future__ import annotations

import pytest

from provisioning.tool.profile import Enrolment, ProfileError, load_profile, parse_profile


def test_a_profile_reads_settings_as_edge_toml_names(tmp_path):
    path = tmp_path / "office.toml"
    path.write_text('selftest = false\n[settings]\nlanguage = "en"\noffice.code = "KHR-0042"\n'
                    '[settings.printer]\nurl = "sim://"\n[enroll]\ngateway = " http://g "\ntoken = "T"\n',
                    encoding="utf-8")

    profile = load_profile(path)

    assert profile.settings == {"language": "en", "office.code": "KHR-0042", "printer.url": "sim://"}
    assert profile.enroll == Enrolment("http://g", "T") and profile.selftest is False


@pytest.mark.parametrize("document, problem", [
    ({"setings": {}}, "unknown entries setings"),
    ({"settings": "x"}, "[settings] must be a table"),
    ({"selftest": "yes"}, "selftest must be true or false"),
    ({"enroll": {"gateway": "http://g"}}, "[enroll] needs gateway and token"),
    ({"enroll": {"gateway": "http://g", "token": ""}}, "[enroll] needs gateway and token"),
])
def test_a_bad_profile_says_what_is_wrong(document, problem):
    with pytest.raises(ProfileError, match=problem.replace("[", r"\[").replace("]", r"\]")):
        parse_profile(document)


def test_a_profile_that_is_not_toml_names_its_file(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text("[settings\n", encoding="utf-8")

    with pytest.raises(ProfileError, match="broken.toml: not valid TOML"):
        load_profile(path)
