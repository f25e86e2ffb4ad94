"""The console's page is one document built from console.html and the screen files of the
other roles (screens/*.html): every screen is in it, and no two elements share an id (the roles'
screens are written apart, and a repeated id would make the page find the wrong one)."""

from __future__ import annotations

import re
from collections import Counter

from backend.console.pages import ConsolePage


def test_the_screen_files_are_put_into_the_page() -> None:
    html = ConsolePage.build().html.decode()
    for screen in (
        "login",
        "list",
        "forbidden",
        "agency",
        "practitioners",
        "practitioner",
        "unified",
        "reviews",
        "review",
        "window",
        "window-case",
    ):
        assert f'id="screen-{screen}"' in html, screen
    assert "$screens" not in html


def test_no_two_elements_of_the_page_share_an_id() -> None:
    ids = Counter(re.findall(r'\sid="([^"]+)"', ConsolePage.build().html.decode()))
    assert [name for name, count in ids.items() if count > 1] == []
