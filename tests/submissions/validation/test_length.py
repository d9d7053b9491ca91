"""A written comment's checks: counting words and the length limit."""

import pytest
from django.core.exceptions import ValidationError

from submissions.validation import check_length, count_words

# --- count_words ---------------------------------------------------------------------------


def test_count_words_english_counts_each_word():
    assert count_words("Civil society holds data on firearms trafficking.", "en") == 7


def test_count_words_english_hyphenated_and_apostrophe_words_count_once():
    text = "The State-party's follow-up isn't a well-known, long-term commitment; it’s civil society's."

    # The, State-party's, follow-up, isn't, a, well-known, long-term, commitment, it’s, civil, society's
    assert count_words(text, "en") == 11


def test_count_words_english_ignores_punctuation_and_spacing():
    assert count_words("  Firearms —   trafficking ,\n\n ... data!  ", "en") == 3
    assert count_words("", "en") == 0


def test_count_words_chinese_counts_two_characters_as_one_word():
    text = "打击跨国有组织犯罪公约"  # 11 characters

    assert count_words(text[:10], "zh") == 5
    assert count_words(text, "zh") == 6  # an odd character left over counts as a word


def test_count_words_chinese_punctuation_is_not_counted():
    assert count_words("联合公约，民间社会。", "zh") == 4  # 8 characters; the comma and stop are not words


def test_count_words_chinese_text_recognised_without_its_language():
    # Most of the text is CJK: it is counted as such even when the language says otherwise.
    assert count_words("打击跨国有组织犯罪", "en") == 5
    assert count_words("打击跨国有组织犯罪", "") == 5


def test_count_words_mixed_chinese_and_latin_words():
    # 8 CJK characters → 4 words; "UNTOC" and "2030" are words of their own.
    assert count_words("联合公约 UNTOC 民间社会 2030", "zh") == 6


def test_count_words_mixed_hyphenated_word_counts_once():
    # 6 CJK characters → 3 words, plus "anti-trafficking" as one word, as in English text.
    assert count_words("联合公约 anti-trafficking 民间", "zh") == 4


def test_count_words_english_with_a_few_chinese_characters_counts_english_words():
    # Under a quarter CJK: counted as English, the Chinese run as one word.
    assert count_words("The Convention is called 公约 in Chinese texts of the United Nations", "en") == 12


# --- check_length --------------------------------------------------------------------------


def test_check_length_at_the_limit_accepted(settings):
    assert settings.WRITTEN_COMMENT_MAX_WORDS == 2000

    check_length("word " * settings.WRITTEN_COMMENT_MAX_WORDS, "en")


def test_check_length_one_word_over_the_limit_refused(settings):
    with pytest.raises(ValidationError) as excinfo:
        check_length("word " * (settings.WRITTEN_COMMENT_MAX_WORDS + 1), "en")

    assert excinfo.value.code == "too_long"
    assert excinfo.value.messages == ["The comment has 2001 words; at most 2000 are accepted."]


def test_check_length_follows_the_setting(settings):
    settings.WRITTEN_COMMENT_MAX_WORDS = 5

    check_length("one two three four five", "en")
    with pytest.raises(ValidationError):
        check_length("one two three four five six", "en")


def test_check_length_chinese_counts_characters_by_two(settings):
    limit = settings.WRITTEN_COMMENT_MAX_WORDS

    check_length("公" * (2 * limit), "zh")
    with pytest.raises(ValidationError) as excinfo:
        check_length("公" * (2 * limit + 1), "zh")
    assert excinfo.value.messages == ["The comment has 2001 words; at most 2000 are accepted."]
