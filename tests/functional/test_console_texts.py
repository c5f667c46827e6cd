"""The console's texts panel: my open conversations with their threads, what texters wrote
shown as text, and nothing of another agent's."""

from __future__ import annotations

from tests.functional.desks import hire
from tests.functional.test_agent_texts import ask_for_agent, texter

HOSTILE = '<script>window.__xss = 1</script><img src=x onerror="window.__xss=2">'


def test_my_conversation_shows_with_its_thread_and_a_reply_and_close_form(app, center, twilio_post):
    ana = hire(app, "Ana Torres")
    ana.available()
    conversation_id = ask_for_agent(twilio_post, texter(1), "my router keeps dropping")
    ana.call("POST", "/api/agent/accept")

    page = ana.client.get("/console/panel/texts")

    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "my router keeps dropping" in html and texter(1) in html
    assert f'data-text="{conversation_id}" data-act="reply"' in html
    assert f'data-text="{conversation_id}" data-act="close"' in html
    assert 'value="resolved"' in html


def test_what_a_texter_wrote_is_shown_as_text(app, center, twilio_post):
    ana = hire(app, "Ana Torres")
    ana.available()
    ask_for_agent(twilio_post, texter(2), HOSTILE)
    ana.call("POST", "/api/agent/accept")

    html = ana.client.get("/console/panel/texts").get_data(as_text=True)

    assert "<script>window.__xss" not in html and "<img src=x" not in html
    assert "&lt;script&gt;window.__xss = 1&lt;/script&gt;" in html


def test_another_agents_texts_are_not_on_my_panel(app, center, twilio_post):
    ana, ben = hire(app, "Ana Torres"), hire(app, "Ben Ode")
    ana.available()
    ask_for_agent(twilio_post, texter(3), "only for Ana")
    ana.call("POST", "/api/agent/accept")

    html = ben.client.get("/console/panel/texts").get_data(as_text=True)

    assert "only for Ana" not in html
    assert "No text conversations" in html


def test_the_panel_needs_a_log_in(client):
    assert client.get("/console/panel/texts").status_code in (302, 303)
