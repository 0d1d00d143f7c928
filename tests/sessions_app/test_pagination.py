"""Pages read with one row more than they show: that row says where the next page starts."""

import pytest

from sessions_app.errors import InvalidArgument
from sessions_app.pagination import Page, check_limit


def test_the_extra_row_is_the_next_pages_first():
    page = Page.from_rows([1, 2, 3, 4], limit=3)
    assert page.items == [1, 2, 3]
    assert page.following == 4


@pytest.mark.parametrize("rows", [[], [1], [1, 2, 3]])
def test_no_extra_row_is_the_last_page(rows):
    page = Page.from_rows(rows, limit=3)
    assert page.items == rows
    assert page.following is None


@pytest.mark.parametrize("limit", [1, 50, 100])
def test_limits_in_range_are_accepted(limit):
    assert check_limit(limit, maximum=100) == limit


@pytest.mark.parametrize("limit", [0, -1, 101, True, 2.0, "5", None])
def test_other_limits_say_what_is_accepted(limit):
    with pytest.raises(InvalidArgument, match="limit must be a whole number from 1 to 100"):
        check_limit(limit, maximum=100)
