"""DOI recognition: every form people paste, and nothing that is not a DOI."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from citetool.errors import UsageError
from citetool.identifiers import doi


@pytest.mark.parametrize(
    "text",
    [
        "10.1177/23477970251383994",
        "  10.1177/23477970251383994\n",
        "doi:10.1177/23477970251383994",
        "DOI: 10.1177/23477970251383994",
        "https://doi.org/10.1177/23477970251383994",
        "http://dx.doi.org/10.1177/23477970251383994",
        "https://www.doi.org/10.1177/23477970251383994",
        "doi.org/10.1177/23477970251383994",
        "10.1177%2F23477970251383994",
        "https://doi.org/10.1177%2F23477970251383994",
        "10.1177/23477970251383994.",
        "(10.1177/23477970251383994),",
        "10.1177/23477970251383994;",
        "urn:doi:10.1177/23477970251383994",
    ],
)
def test_pasted_forms_normalise_to_the_bare_lower_case_doi(text: str) -> None:
    assert doi.normalize(text) == "10.1177/23477970251383994"


def test_case_does_not_matter_and_closing_parens_that_belong_to_the_doi_stay() -> None:
    assert doi.normalize("10.1016/S1532-0464(03)00128-X") == "10.1016/s1532-0464(03)00128-x"
    assert doi.normalize("https://doi.org/10.1002/(SICI)1097-4636(199706)35:4<487::AID-JBM8>3.0.CO;2-B") == (
        "10.1002/(sici)1097-4636(199706)35:4<487::aid-jbm8>3.0.co;2-b"
    )


def test_special_characters_are_encoded_for_the_url_path() -> None:
    assert doi.url_path("10.1000/a#b?c;d[e]") == "10.1000%2Fa%23b%3Fc%3Bd%5Be%5D"


@pytest.mark.parametrize("text", ["", "hello", "10.1/x", "11.1234/abc", "10.1234", "https://example.org/10.1234/x"])
def test_non_dois_are_usage_errors_naming_the_input(text: str) -> None:
    with pytest.raises(UsageError) as error:
        doi.normalize(text)
    assert repr(text.strip()) in str(error.value)


@given(st.from_regex(r"10\.[0-9]{4,9}/[!-~]{1,30}", fullmatch=True))
def test_normalisation_is_idempotent(text: str) -> None:
    first = doi.parse(text)
    if first is not None:
        assert doi.parse(first) == first
