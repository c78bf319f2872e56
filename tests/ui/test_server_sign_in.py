"""Signing in to a team server: a login the server refuses brings up the sign-in window,
which opens the database with the name and password typed, says why when they are
refused again, and keeps the password out of every message."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy.engine import make_url

from placement_desk.errors import ServerSignInRefused
from placement_desk.lifecycle import open_database, server_login_name, with_server_login
from placement_desk.ui.users.server_sign_in import ServerSignInDialog
from tests.backend import on_server


def test_the_login_typed_goes_into_the_servers_address_only() -> None:
    url = make_url(with_server_login("postgresql+psycopg://db.council.local:5432/placements",
                                     " asha.patel ", "s3cret/with@odd:chars"))
    assert (url.username, url.password, url.host, url.database) == (
        "asha.patel", "s3cret/with@odd:chars", "db.council.local", "placements")
    assert server_login_name("postgresql+psycopg://ben@db.council.local/placements") == "ben"
    assert server_login_name("/tmp/laptop.db") == ""


@pytest.mark.skipif(not on_server(), reason="needs a PostgreSQL server to refuse a login "
                                            "(make test-postgres runs it)")
def test_a_refused_login_is_asked_for_again_and_opens_the_database(
        qtbot: QtBot, fresh_target: Any) -> None:
    good = make_url(str(fresh_target))
    open_database(str(fresh_target)).close()  # migrated, as a team's database is
    stranger = good.set(username="nobody_on_this_server", password="wrong")
    with pytest.raises(ServerSignInRefused) as refused:
        open_database(stranger.render_as_string(hide_password=False))
    refused_text = str(refused.value)
    assert "wrong" not in refused_text and "did not accept your name and password" in \
        refused_text
    target = stranger.render_as_string(hide_password=False)
    dialog = ServerSignInDialog(target, refused_text, open_database)
    qtbot.addWidget(dialog)
    assert dialog.username.text() == "nobody_on_this_server"
    dialog.password.setText("still wrong")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.opened is None and dialog.password.text() == ""
    assert "did not accept" in dialog.error.text() and "still wrong" not in \
        dialog.error.text()
    dialog.username.setText(good.username or "")
    dialog.password.setText(good.password or "")
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    opened = dialog.opened
    assert opened is not None
    try:
        assert opened.user == good.username  # the audit trail records the login typed
    finally:
        opened.close()
