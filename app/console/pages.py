"""The console's server-rendered parts: the contact and tasks panels the page swaps in, and
the customer search and customer pages (the same 360° view the contact panel shows)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import abort, render_template, request
from flask_login import current_user

from app.console.routes import STAFF, bp
from app.extensions import db
from app.services.agents import agent_desk
from app.services.agents.contact_view import my_contact
from app.services.agents.wrap_up_codes import WRAP_UP_CODES
from app.services.callbacks import task_desk
from app.services.customers.profile import customer_360
from app.services.customers.search import BadSearch, find_customers, read_search
from app.services.texting import agent_texts
from app.web.guard import page_for


@bp.app_template_filter("when")
def when(value: str | None) -> str:
    """An ISO 8601 UTC time as people read it: ``5 Dec 18:40 UTC``."""
    if not value:
        return "—"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    return f"{moment.day} {moment:%b %H:%M} UTC"


@bp.get("/console/panel/contact")
@page_for(*STAFF)
def contact_panel() -> Any:
    """My current contact as HTML; 204 when I have none."""
    mine = my_contact(agent_desk.agent_of(current_user.user))
    if mine["contact"] is None:
        return "", 204
    return render_template("console/panel_contact.html", contact=mine["contact"])


@bp.get("/console/panel/tasks")
@page_for(*STAFF)
def tasks_panel() -> Any:
    """Open voicemails and callbacks, mine and my queues', as HTML."""
    tasks = task_desk.tasks_for(agent_desk.agent_of(current_user.user))
    return render_template("console/panel_tasks.html", tasks=tasks)


@bp.get("/console/panel/texts")
@page_for(*STAFF)
def texts_panel() -> Any:
    """My open text conversations, each with its thread, as HTML."""
    agent = agent_desk.agent_of(current_user.user)
    threads = [
        agent_texts.thread(db.session, agent, conversation["id"])
        for conversation in agent_texts.my_conversations(db.session, agent)
    ]
    return render_template("console/panel_texts.html", threads=threads, codes=WRAP_UP_CODES)


@bp.get("/console/customers")
@page_for(*STAFF)
def customers() -> Any:
    """Customers found by phone, name or account number."""
    query = request.args.get("q", "")
    try:
        found = find_customers(db.session, read_search(query, request.args.get("offset")))
    except BadSearch as error:
        return render_template("console/customers.html", q=query, error=str(error)), 400
    return render_template("console/customers.html", q=query, found=found)


@bp.get("/console/customers/<int:customer_id>")
@page_for(*STAFF)
def customer(customer_id: int) -> Any:
    """One customer's 360° view."""
    found = customer_360(db.session, customer_id)
    if found is None:
        abort(404)
    return render_template("console/customer.html", customer=found)
