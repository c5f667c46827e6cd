"""The contact center's Flask application: ``create_app`` builds it."""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app.config import DEV_AUTH_TOKEN, DEV_SECRET_KEY, ConfigError, check_settings, load_settings

__all__ = ["ConfigError", "create_app"]


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app from the environment; ``config`` overrides any setting (tests use it)."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(load_settings(app.instance_path))
    if config:
        app.config.update(config)
    check_settings(app.config)
    # Outside production, fixed development secrets let the app (and `helpline call`, which
    # signs like Twilio) work with no setup; production refuses to start without real ones.
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = DEV_SECRET_KEY
    if not app.config["TWILIO_AUTH_TOKEN"]:
        app.config["TWILIO_AUTH_TOKEN"] = DEV_AUTH_TOKEN
    app.config["TESTING"] = app.config["HELPLINE_ENV"] == "testing"
    trust_proxies(app)

    register_extensions(app)
    register_blueprints(app)
    register_cli(app)
    return app


def trust_proxies(app: Flask) -> None:
    """Take the client's address from ``X-Forwarded-For`` only as far as proxies vouch for it."""
    # Each trusted proxy appends the address it saw; further left, a client wrote it.
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies)  # type: ignore[method-assign]


def register_extensions(app: Flask) -> None:
    """Attach logging, the database, Redis and RQ, sessions and logins to ``app``."""
    from app.auth import init_auth
    from app.extensions import db, redis_store
    from app.log import configure_logging
    from app.login_limits import init_login_limits
    from app.sessions import init_sessions
    from app.twilio.gateway import twilio_gateway

    configure_logging(app)
    db.init_app(app)
    redis_store.init_app(app)
    init_sessions(app)
    twilio_gateway.init_app(app)
    init_flows(app)
    init_routing(app)
    init_auth(app)
    init_login_limits(app)


def init_routing(app: Flask) -> None:
    """The live queue store (Redis) and the routing weights (a YAML file)."""
    from app.live.queue_events import PublishingQueueStore
    from routing import WeightsError, default_weights, load_weights

    # The Redis store, publishing each change for live pages (``app.live``).
    app.extensions["routing.store"] = PublishingQueueStore(app.extensions["redis"])
    path = app.config["ROUTING_WEIGHTS"]
    try:
        app.extensions["routing.weights"] = load_weights(path) if path else default_weights()
    except WeightsError as exc:  # a file an operator wrote: say what is wrong, no traceback
        raise ConfigError(f"ROUTING_WEIGHTS: {exc}") from None


def init_flows(app: Flask) -> None:
    """The IVR flows this app serves (verified on load; re-read when the files change)."""
    from app.services.calls.flow_registry import FlowRegistry
    from ivr_flows import SHIPPED_FLOWS

    app.extensions["ivr.flows"] = FlowRegistry(app.config["FLOWS_DIR"] or SHIPPED_FLOWS)


def register_blueprints(app: Flask) -> None:
    """One blueprint per area."""
    from app.agent_api.routes import bp as agent_api_bp
    from app.auth import csrf
    from app.community import bp as community_bp
    from app.community import init_community
    from app.console.routes import bp as console_bp
    from app.health import bp as health_bp
    from app.live.routes import bp as live_bp
    from app.login.routes import bp as login_bp
    from app.sms.routes import bp as sms_bp
    from app.status import bp as status_bp
    from app.status import init_status
    from app.supervisor.routes import bp as supervisor_bp
    from app.voice.routes import bp as voice_bp
    from app.web.headers import init_headers

    # Twilio signs its webhooks instead of sending a CSRF token.
    csrf.exempt(voice_bp)
    csrf.exempt(sms_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(agent_api_bp)
    app.register_blueprint(live_bp)
    app.register_blueprint(voice_bp)
    app.register_blueprint(sms_bp)
    app.register_blueprint(login_bp)
    app.register_blueprint(console_bp)
    app.register_blueprint(supervisor_bp)
    app.register_blueprint(community_bp)
    init_community(app)
    app.register_blueprint(status_bp)
    init_status(app)
    init_headers(app)


def register_cli(app: Flask) -> None:
    """Add the ``helpline`` commands to ``flask --app app`` as well."""
    from app.cli import register_commands

    register_commands(app.cli)
