"""The one rule that makes Persian text typed on different keyboards compare equal."""

from __future__ import annotations

from edge import folding


def test_arabic_letter_forms_and_half_spaces_fold_to_one_key():
    keys = {folding.search_key(name) for name in
            ("علی‌رضا کریمی", "عليرضا كريمي", "علی رضا  کریمی", "عَلیرضا کـریمی")}
    assert keys == {"علیرضاکریمی"}


def test_a_query_is_its_folded_words():
    assert folding.query_words(" كريمي\u200cعلي ") == ["کریمی", "علی"]
    assert folding.fold("Post ۱۲۳") == "post 123"
    assert folding.search_key(None) == ""
