"""The one message catalogue (edge.i18n): every text people read, from every
product package, is in it and translated; a translator edits one file."""

from __future__ import annotations

import re

from babel.messages.pofile import read_po

from edge import i18n


def committed_catalogue(lang: str = "fa"):
    with i18n.po_path(lang).open("rb") as source:
        return read_po(source, locale=lang)


def test_every_string_of_the_templates_and_code_is_in_the_catalogue():
    extracted = i18n.extract_messages()
    assert len(extracted) > 150
    places = {place.split("/")[0] for where in extracted.values() for place in where}
    assert {"edge", "hardware", "sync_agent", "web"} <= places   # one catalogue for all
    extracted = set(extracted)
    catalogue = {message.id if isinstance(message.id, str) else tuple(message.id)
                 for message in committed_catalogue() if message.id}
    missing = extracted - catalogue
    assert not missing, f"not in edge/translations (run python -m edge.i18n): {missing}"
    stale = catalogue - extracted
    assert not stale, f"no longer used, remove with python -m edge.i18n: {stale}"


def test_every_message_has_a_persian_translation_with_the_same_placeholders():
    for message in committed_catalogue():
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        assert all(strings), f"untranslated: {message.id!r}"
        wanted = set(re.findall(r"%\(\w+\)s", ids[0]))
        for string in strings:
            assert set(re.findall(r"%\(\w+\)s", string)) == wanted, message.id
        assert not message.fuzzy, message.id


def test_extraction_sees_a_new_string_in_templates_and_every_package(tmp_path):
    (tmp_path / "web" / "templates").mkdir(parents=True)
    (tmp_path / "web" / "templates" / "x.html").write_text('{{ _("A brand new sentence") }}')
    for package in ("edge", "hardware", "sync_agent", "appliance", "provisioning"):
        (tmp_path / package / "deep").mkdir(parents=True)
        (tmp_path / package / "deep" / "x.py").write_text(f'N_("Said by {package}")\n')
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "x.py").write_text('gettext("Not a product text")\n')
    assert set(i18n.extract_messages(tmp_path)) == {
        "A brand new sentence", "Said by edge", "Said by hardware", "Said by sync_agent",
        "Said by appliance", "Said by provisioning"}


def test_update_adds_new_strings_keeps_translations_and_lists_the_missing(tmp_path):
    (tmp_path / "edge").mkdir()
    (tmp_path / "edge" / "x.py").write_text('N_("Kept")\nN_("New")\n')
    folder = tmp_path / "translations"
    i18n.po_path("fa", folder).parent.mkdir(parents=True)
    i18n.po_path("fa", folder).write_text('msgid "Kept"\nmsgstr "نگه‌داشته"\n\n'
                                          'msgid "Gone"\nmsgstr "رفته"\n', encoding="utf-8")
    assert i18n.update_catalogue("fa", folder, root=tmp_path) == ["New"]
    persian = i18n.MessageCatalogue(folder).translator("fa")
    assert (persian.gettext("Kept"), persian.gettext("Gone")) == ("نگه‌داشته", "Gone")


def test_a_translator_speaks_one_language_with_its_digits_and_dates():
    catalogue = i18n.MessageCatalogue()
    persian, english = catalogue.translator("fa"), catalogue.translator("en")
    assert persian.rials(780000) == "۷۸۰٬۰۰۰ ریال" and english.rials(780000) == "780,000 rials"
    assert persian.ngettext("%(num)s day", "%(num)s days", 2) == "2 روز"
    assert catalogue.translator("de") is persian and catalogue.translator(None) is persian
    assert english is i18n.ENGLISH and persian.digits(1405) == "۱۴۰۵"


def test_a_domain_message_names_statuses_and_types_in_the_readers_language():
    from edge.errors import Conflict, InvalidInput
    from edge.messages import text
    persian = i18n.MessageCatalogue().translator("fa")
    moved = Conflict("intake.bad_transition", "status", current="done", target="cancelled")
    assert moved.message(persian) == "وضعیت «انجام‌شده» را نمی‌توان به «لغوشده» تغییر داد."
    assert str(moved) == "Status 'done' cannot change to 'cancelled'."
    typed = InvalidInput("field.type", "age", field="age", type="integer")
    assert typed.message(persian) == "فیلد «age» باید عدد صحیح باشد."
    assert str(typed) == "The field 'age' must be a whole number."
    assert text("no.such.code", persian) == text("internal", persian)
    assert text("field.required", i18n.ENGLISH) == "The field '%(field)s' is required."
