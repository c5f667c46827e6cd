"""Data for ``ivr.py``: the customers, who calls, the flows served, and the loaded database.

Customer ``k`` is derived from ``k`` alone (phone, tier, language, region), so the load
generator knows what the app will find for any caller without asking the database.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from _load import ROOT, BenchmarkError

from ivr_flows import SHIPPED_FLOWS, Caller

AREA_CODES = ("212", "312", "415", "512", "617", "702", "206", "404", "713", "305")
UNKNOWN_AREA_CODE = "303"  # no customer has a Denver number: these callers are unknown
REGIONS = ("north", "south", "east", "west")
POSTGRES_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DATA_VERSION = "1"  # bump when the customers generated below change, to refresh caches

# Who calls, by share of calls: kinds of caller and the path each takes through main.yaml.
THROUGHPUT_MIX = {"member": 0.7, "unknown": 0.3}
STEADY_MIX = {"member": 0.7, "unknown": 0.25, "priority": 0.05}
# Main-menu choices in the steady run: billing asks for the account number first.
MENU_CHOICES = ((("1", "12345678"), 0.5), (("3",), 0.25), (("4",), 0.25))


def tier_of(k: int) -> str:
    """Customer ``k``'s tier: 60 % bronze, 25 % silver, 10 % gold, 5 % platinum."""
    slot = k % 20
    return "bronze" if slot < 12 else "silver" if slot < 17 else "gold" if slot < 19 else "platinum"


def language_of(k: int) -> str:
    """One customer in seven speaks Spanish."""
    return "es" if k % 7 == 3 else "en"


def region_of(k: int) -> str:
    """A service region, independent of the tier."""
    return REGIONS[(k // 20) % len(REGIONS)]


def customer_phone(k: int) -> str:
    """A valid, distinct US number (E.164) for customer ``k``."""
    serial = k // len(AREA_CODES)
    return f"+1{AREA_CODES[k % len(AREA_CODES)]}{201 + serial // 10_000}{serial % 10_000:04d}"


def unknown_phone(rng: random.Random) -> str:
    """A valid number that belongs to no customer."""
    return f"+1{UNKNOWN_AREA_CODE}{rng.randint(201, 999)}{rng.randint(0, 9999):04d}"


def profile_of(k: int) -> Caller:
    """What the app's ``caller_profile`` makes of customer ``k`` (no customer has a case)."""
    return Caller(known=True, tier=tier_of(k), language=language_of(k), region=region_of(k))


@dataclass(frozen=True)
class CallPlan:
    """One call: who calls, what the app knows of them, and the keys pressed after the greeting."""

    kind: str  # "member" (bronze/silver customer), "unknown" or "priority" (gold/platinum)
    phone: str
    caller: Caller
    digits: tuple[str, ...]


class CallerPicker:
    """Draws callers from ``customers`` by kind, reproducibly from ``seed``."""

    def __init__(self, customers: int, seed: int) -> None:
        self.customers = customers
        self.rng = random.Random(seed)

    def customer(self, premium: bool) -> int:
        """A customer anywhere in the table, gold/platinum if ``premium``, else bronze/silver."""
        while True:
            k = self.rng.randrange(self.customers)
            if (tier_of(k) in ("gold", "platinum")) == premium:
                return k

    def plan(self, mix: dict[str, float], steady: bool) -> CallPlan:
        """A call drawn from ``mix``; ``steady`` calls go on until a queue, others take one step."""
        kind = self.rng.choices(list(mix), weights=list(mix.values()))[0]
        menu = self.menu_choice() if steady else ("1",)
        if kind == "unknown":
            digits = ("1", *menu) if steady else ("1",)  # 1 = English at the language menu
            return CallPlan(kind, unknown_phone(self.rng), Caller(), digits)
        k = self.customer(premium=kind == "priority")
        digits = () if kind == "priority" else menu
        return CallPlan(kind, customer_phone(k), profile_of(k), digits)

    def menu_choice(self) -> tuple[str, ...]:
        """The keys pressed from the main menu on."""
        choices, weights = zip(*MENU_CHOICES, strict=True)
        return self.rng.choices(choices, weights=weights)[0]


def describe_mix(mix: dict[str, float]) -> str:
    """``70 % bronze/silver customers, 30 % unknown numbers``."""
    names = {
        "member": "bronze/silver customers",
        "unknown": "unknown numbers",
        "priority": "gold/platinum customers",
    }
    return ", ".join(f"{share:.0%} {names[kind]}" for kind, share in mix.items())


# --- flows --------------------------------------------------------------------------------


def open_flows(workdir: Path) -> Path:
    """A copy of the shipped flows whose main line is open around the clock, every day."""
    target = workdir / "flows"
    shutil.copytree(SHIPPED_FLOWS, target)
    main = target / "main.yaml"
    text = main.read_text(encoding="utf-8")
    text, weekly = re.subn(
        r"^(\s*)weekly: .*$", r'\1weekly: ["daily 00:00-24:00"]', text, flags=re.M
    )
    text, holidays = re.subn(r"^(\s*)holidays: .*$", r"\1holidays: []", text, flags=re.M)
    if (weekly, holidays) != (1, 1):
        raise BenchmarkError(f"{main}: cannot find the main line's weekly hours and holidays")
    main.write_text(text, encoding="utf-8")
    return target


# --- the database -------------------------------------------------------------------------


def write_customers_csv(path: Path, customers: int) -> None:
    """The CSV ``helpline customers import`` reads, one row per customer."""
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["phone", "name", "language", "tier", "region", "timezone"])
        for k in range(customers):
            row = [customer_phone(k), f"Customer {k}", language_of(k), tier_of(k), region_of(k)]
            writer.writerow([*row, "America/Chicago"])


def helpline(env: dict[str, str], *args: str) -> str:
    """Run the ``helpline`` CLI of this virtualenv; its stdout, or a BenchmarkError."""
    command = [sys.executable, "-m", "app.cli", *args]
    done = subprocess.run(
        command, cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True
    )
    if done.returncode:
        tail = "\n".join((done.stdout + done.stderr).splitlines()[-8:])
        raise BenchmarkError(f"helpline {' '.join(args)} failed:\n{tail}")
    return done.stdout


def load_customers(env: dict[str, str], customers: int, workdir: Path) -> None:
    """Migrate ``env``'s DATABASE_URL and import the customers through the project's CLI."""
    helpline(env, "db", "upgrade")
    path = workdir / "customers.csv"
    write_customers_csv(path, customers)
    report = json.loads(helpline(env, "customers", "import", "--json", str(path)).splitlines()[-1])
    if sum(report.get(key, 0) for key in ("created", "updated", "unchanged")) != customers:
        raise BenchmarkError(f"customer import did not take every row: {report}")
    path.unlink()


def cache_key(customers: int) -> str:
    """A file name that changes with the migrations and with the generated customers."""
    digest = hashlib.sha256(DATA_VERSION.encode())
    for migration in sorted((ROOT / "app" / "migrations" / "versions").glob("*.py")):
        digest.update(migration.read_bytes())
    return f"helpline-bench-{customers}-{digest.hexdigest()[:12]}.db"


def sqlite_database(
    env: dict[str, str], customers: int, workdir: Path, cache: Path | None
) -> tuple[str, str]:
    """A loaded SQLite file in ``workdir`` (copied from ``cache`` when it holds one)."""
    path = workdir / "helpline.db"
    url = f"sqlite:///{path}"
    cached = cache / cache_key(customers) if cache is not None else None
    if cached is not None and cached.exists():
        shutil.copyfile(cached, path)
        return url, f"copied from {cached}"
    started = time.monotonic()
    load_customers({**env, "DATABASE_URL": url}, customers, workdir)
    note = f"built in {time.monotonic() - started:.0f} s"
    if cached is not None:
        cache.mkdir(parents=True, exist_ok=True)  # type: ignore[union-attr]
        shutil.copyfile(path, cached)
        note += f", cached as {cached}"
    return url, note


@contextlib.contextmanager
def fresh_postgres(name: str) -> Iterator[str]:
    """A new, empty PostgreSQL database on the local server, dropped on exit."""
    from sqlalchemy import create_engine, text

    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
