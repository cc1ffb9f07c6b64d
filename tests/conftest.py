import os
from pathlib import Path

# Playwright's sync API runs an event loop in the test thread; Django must allow ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402
from django.db import connection  # noqa: E402

from tests.factories import AssociationFactory, UserFactory  # noqa: E402

AXE_JS = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(autouse=True)
def _on_postgresql(request):
    """The suite runs on PostgreSQL: triggers and constraints are part of what it tests."""
    if "django_db_setup" in request.fixturenames or request.node.get_closest_marker("django_db"):
        assert connection.vendor == "postgresql", "set DATABASE_URL to a PostgreSQL database"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters and cached figures do not leak from one test to the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _kept_exports(settings, tmp_path):
    """Every test rolls the registry's generation back: a kept export must not outlive it."""
    settings.REGISTRY_EXPORT_ROOT = tmp_path / "registry-exports"


@pytest.fixture
def private_root(settings, tmp_path):
    """Private files (evidence, certificates) go to a temporary folder."""
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    return settings.PRIVATE_STORAGE_ROOT


# The cast: the same people in every test.
@pytest.fixture
def committee(db):
    return UserFactory(email="carla.comitato@oic.example", first_name="Carla", role="comitato")


@pytest.fixture
def auditor(db):
    return UserFactory(email="andrea.auditor@oic.example", first_name="Andrea", role="auditor")


@pytest.fixture
def firm_a(db):
    from tests.factories import OperationalSiteFactory, OrganizationFactory

    firm = OrganizationFactory(legal_name="Contact Uno S.r.l.", partita_iva="01234560157")
    OperationalSiteFactory(organization=firm)
    return firm


@pytest.fixture
def firm_b(db):
    from tests.factories import OperationalSiteFactory, OrganizationFactory

    firm = OrganizationFactory(legal_name="Chiamate Due S.p.A.", partita_iva="12345670157")
    OperationalSiteFactory(organization=firm, comune="Napoli")
    return firm


@pytest.fixture
def applicant(firm_a):
    """Anna works for firm A."""
    return UserFactory(
        email="anna@contactuno.example", first_name="Anna", role="richiedente", organization=firm_a
    )


@pytest.fixture
def applicant_b(firm_b):
    """Bruno works for firm B."""
    return UserFactory(
        email="bruno@chiamatedue.example",
        first_name="Bruno",
        role="richiedente",
        organization=firm_b,
    )


@pytest.fixture
def association_member(db):
    return UserFactory(
        email="marco@consumatori.example",
        first_name="Marco",
        role="associazione",
        association=AssociationFactory(),
    )


@pytest.fixture
def admin_user(db):
    return UserFactory(email="it@oic.example", role="admin", is_staff=True, is_superuser=True)


# Browser tests: Debian's Chromium, never Playwright's own download.
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "it-IT"}


@pytest.fixture
def axe():
    """Run axe-core on the page the browser is on; fail on a serious or critical violation."""

    def check(page) -> list[dict]:
        # Evaluated through the DevTools protocol: the page's Content-Security-Policy, which
        # refuses inline scripts, does not apply to it (a <script> tag would be refused).
        page.evaluate(AXE_JS.read_text())
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
        details = "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} — "
            + "; ".join(n["target"][0] if n["target"] else "?" for n in v["nodes"][:5])
            for v in bad
        )
        assert not bad, f"axe violations on {page.url}:\n{details}"
        return result["violations"]

    return check


@pytest.fixture(autouse=True)
def _no_csp_violations(request):
    """A browser test fails if the page broke its own Content-Security-Policy (an inline
    script or style, an asset from elsewhere)."""
    if "page" not in request.fixturenames:
        yield
        return
    page = request.getfixturevalue("page")
    violations: list[str] = []

    def on_console(message) -> None:
        if "Content Security Policy" in message.text:
            violations.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    yield
    assert not violations, "\n".join(violations)


@pytest.fixture
def login_as(page, live_server):
    """Log a person in through the real login form."""

    def login(user, password: str = "password-di-prova-123") -> None:
        page.goto(f"{live_server.url}/accesso/")
        page.get_by_label("Indirizzo e-mail").fill(user.email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Accedi").click()

    return login
