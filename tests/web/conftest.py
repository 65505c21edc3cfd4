"""Playwright drives Debian's Chromium (never a downloaded browser build)."""
import os

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser(launch_browser):
    """The browser; fails the run in CI when it cannot start, skips elsewhere."""
    try:
        browser = launch_browser()
    except Exception as error:  # noqa: BLE001 - any launch failure means "no browser here"
        message = f"Chromium ({CHROMIUM}) could not start: {error}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    yield browser
    browser.close()
