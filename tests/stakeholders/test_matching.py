"""How two registrations are recognised as one organisation: folded names, registered domains."""

import pytest

from stakeholders.matching import fold_name, registered_domain


@pytest.mark.parametrize(
    ("name", "folded"),
    [
        ("Fundación  Ñandú", "fundacion nandu"),
        ("fundacion nandu", "fundacion nandu"),
        ("FUNDACIÓN ÑANDÚ", "fundacion nandu"),
        ("Association pour l'Éducation", "association pour l education"),
        ("Women's Rights — Watch!", "women s rights watch"),
        ("Civil-Society_Network (Kenya)", "civil society network kenya"),
        ("  Hello,\t  World!  \n", "hello world"),
        ("Straße der Hoffnung", "strasse der hoffnung"),
        ("STRASSE DER HOFFNUNG", "strasse der hoffnung"),
        ("İstanbul Barosu", "istanbul barosu"),
        ("ﬁnancial Integrity", "financial integrity"),  # the "fi" ligature is two letters
        ("Фонд «Правосудие»", "фонд правосудие"),
        ("", ""),
    ],
)
def test_fold_name_folds_case_accents_punctuation_and_spaces(name, folded):
    assert fold_name(name) == folded


def test_fold_name_same_for_spellings_of_one_name():
    spellings = ["Fundación  Ñandú", "FUNDACION NANDU", "fundación-ñandú", " Fundacion, Nandu. "]

    assert {fold_name(spelling) for spelling in spellings} == {"fundacion nandu"}


def test_fold_name_keeps_different_names_apart():
    assert fold_name("Fundación Ñandú") != fold_name("Fundación Ñandutí")


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("https://www.example.org/about", "example.org"),
        ("http://example.org", "example.org"),
        ("https://WWW.Example.ORG./contact?lang=fr#team", "example.org"),
        ("https://example.org:8443/x", "example.org"),
        ("example.org/about", "example.org"),
        ("http://news.bbc.co.uk", "bbc.co.uk"),
        ("https://www.unodc.org/unodc/en/", "unodc.org"),
    ],
)
def test_registered_domain_of_own_website(url, domain):
    assert registered_domain(url) == domain


@pytest.mark.parametrize(
    "url",
    [
        "https://www.facebook.com/myngo",
        "https://facebook.com/another-ngo",
        "https://myngo.blogspot.com",
        "https://myngo.wordpress.com/about/",
        "https://www.linkedin.com/company/myngo",
        "https://sites.google.com/view/myngo",
        "https://myngo.github.io",
    ],
)
def test_registered_domain_of_shared_host_empty(url):
    assert registered_domain(url) == ""


@pytest.mark.parametrize("url", ["", "https://"])
def test_registered_domain_without_website_empty(url):
    assert registered_domain(url) == ""


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("http://192.0.2.10/ngo", "192.0.2.10"),
        ("http://[2001:db8::1]:8080/", "2001:db8::1"),
    ],
)
def test_registered_domain_of_ip_literal_kept(url, domain):
    assert registered_domain(url) == domain


def test_registered_domain_same_for_unicode_and_punycode_spellings():
    assert registered_domain("https://www.fundación.org/") == registered_domain(
        "https://www.xn--fundacin-13a.org/about"
    )
