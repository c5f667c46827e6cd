"""The README tells the truth: the commands it names exist, the files it points at are in the
repository, and every webhook URL it (and ``helpline serve``) says to paste into Twilio answers."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import click
import pytest
from flask import Flask
from werkzeug.test import TestResponse

from app.cli.serve import TWILIO_WEBHOOKS
from tests.support import call_params

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
# Made when the app first runs, not shipped.
MADE_AT_RUN_TIME = {"instance/", ".venv", "test-artifacts/"}


def named_commands() -> list[list[str]]:
    """Each ``helpline ...`` command line the README shows, as its words."""
    return [match.split() for match in re.findall(r"helpline((?: [a-z][\w.-]*)+)", README)]


def resolve(app: Flask, words: list[str]) -> list[str]:
    """The command path the words name (a group must be followed by one of its commands)."""
    command: click.Command = app.cli
    path: list[str] = []
    for word in words:
        if not isinstance(command, click.Group):
            break
        ctx = click.Context(command)
        found = command.get_command(ctx, word)
        assert found is not None, f"README names 'helpline {' '.join(words)}': no {word!r}"
        command, path = found, [*path, word]
    assert not isinstance(command, click.Group), f"'helpline {' '.join(path)}' needs a command"
    return path


def test_every_command_the_readme_names_exists(app: Flask) -> None:
    resolved = {tuple(resolve(app, words)) for words in named_commands()}

    assert ("customers", "import") in resolved and ("flows", "verify") in resolved


def test_every_file_the_readme_points_at_is_in_the_repository() -> None:
    paths = set(
        re.findall(r"`((?:\.\./)?[a-z_][\w.-]*/[\w./-]*|[\w-]+\.(?:ya?ml|md|py|toml))`", README)
    )

    missing = [p for p in sorted(paths) if p not in MADE_AT_RUN_TIME and not (ROOT / p).exists()]

    assert "routing/weights.yaml" in paths
    assert missing == []


def webhook_paths() -> list[str]:
    """The paths of the README's table of URLs for Twilio's console."""
    return re.findall(r"\| `https://help\.example\.com(/(?:voice|sms)/[\w-]+)` \|", README)


def test_the_readme_and_serve_give_twilio_the_same_webhooks() -> None:
    assert sorted(webhook_paths()) == sorted(path for _label, path in TWILIO_WEBHOOKS)
    assert len(webhook_paths()) == 6


@pytest.mark.parametrize("path", [path for _label, path in TWILIO_WEBHOOKS])
def test_every_webhook_twilio_is_told_to_call_answers_twiml(
    twilio_post: Callable[..., TestResponse], path: str
) -> None:
    params = call_params()
    if path.startswith("/sms/"):
        params = {
            "AccountSid": params["AccountSid"],
            "MessageSid": "SM" + "0" * 32,
            "SmsStatus": "received" if path != "/sms/status" else "delivered",
            "MessageStatus": "delivered",
            "From": params["From"],
            "To": params["To"],
            "Body": "hello",
            "NumMedia": "0",
            "ApiVersion": "2010-04-01",
        }

    response = twilio_post(path, params)

    assert response.status_code == 200, response.get_data(as_text=True)
    assert "<Response" in response.get_data(as_text=True)


def test_no_tracked_text_file_holds_a_merge_conflict() -> None:
    import subprocess

    listed = subprocess.run(
        ["git", "ls-files", "*.md", "*.py", "*.html", "*.js", "*.css", "*.yaml", "*.yml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if listed.returncode != 0:
        pytest.skip("not a git checkout")
    marker = re.compile(r"^(<{7} |>{7} |={7}$)", re.MULTILINE)

    conflicted = [
        name
        for name in listed.stdout.split()
        if (ROOT / name).exists() and marker.search((ROOT / name).read_text(encoding="utf-8"))
    ]

    assert conflicted == []
