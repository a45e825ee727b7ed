"""The role × route × CSRF matrix of the portal.

Routes are found as a user finds them: by following every link and form of
the portal, logged in as each role. Then every route is asked by every role
and by nobody, POSTs with and without the CSRF token. Who may do what is the
README's word ("Roles"): supervisors manage users and see reports, operators
and supervisors handle intakes, technicians see no citizen's data.
Figures: answers, 5xx, successes where a 401/403 was due, POSTs that
succeeded without a CSRF token.
"""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import requests

from tests.campaigns.blackbox import INTAKE, Api, DemoTemplate, RunningBox
from tests.campaigns.report import Campaign

ROLES = ("technician", "operator", "supervisor")
EVERYONE = (None, *ROLES)
# Longest prefix first wins; a path under none of these is for any logged-in role.
ALLOWED = (("/login", EVERYONE), ("/language", EVERYONE), ("/static/", EVERYONE),
           ("/users", ("supervisor",)), ("/reports", ("supervisor",)),
           ("/intakes", ("operator", "supervisor")))
SEEDS = ("/", "/intakes", "/intakes/new", "/users", "/reports", "/sync", "/hardware")
# Asked last: they end the session or change who may log in.
LAST = ("/logout", "/active", "/password")


class Links(HTMLParser):
    """(method, path) of every same-site link and form of a page, and its CSRF token."""

    def __init__(self, page_path: str):
        super().__init__()
        self.page_path = page_path
        self.found: set[tuple[str, str]] = set()
        self.csrf = ""

    def handle_starttag(self, tag: str, attrs) -> None:
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.add("GET", attributes["href"])
        elif tag == "form":
            self.add(attributes.get("method", "get").upper(), attributes.get("action") or self.page_path)
        elif tag == "input" and attributes.get("name") == "csrf_token":
            self.csrf = attributes.get("value", "")

    def add(self, method: str, target: str) -> None:
        parts = urlsplit(urljoin(self.page_path, target))
        if not parts.netloc and parts.path.startswith("/") and not parts.path.startswith("/static/"):
            self.found.add((method, parts.path))


def allowed_roles(path: str) -> tuple:
    for prefix, roles in ALLOWED:
        if path == prefix or path.startswith(prefix.rstrip("/") + "/"):
            return roles
    return ROLES


def portal_session(base: str, role: str | None, password: str | None) -> requests.Session:
    session = requests.Session()
    if role:
        page = session.get(base + "/login", timeout=30)
        answer = session.post(base + "/login", timeout=30, allow_redirects=False,
                              data={"username": role, "password": password,
                                    "csrf_token": csrf_of(page.text)})
        if answer.status_code != 303:
            raise RuntimeError(f"portal login of {role} answered {answer.status_code}")
    return session


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    return found[1] if found else ""


def crawl(base: str, session: requests.Session) -> set[tuple[str, str]]:
    """Every (method, path) reachable from the seeds by links and forms."""
    seen: set[tuple[str, str]] = set()
    queue = [("GET", seed) for seed in SEEDS]
    while queue:
        route = queue.pop()
        if route in seen:
            continue
        seen.add(route)
        if route[0] != "GET":
            continue
        answer = session.get(base + route[1], timeout=30, allow_redirects=False)
        if answer.status_code == 200 and "html" in answer.headers.get("Content-Type", ""):
            links = Links(route[1])
            links.feed(answer.text)
            queue.extend(links.found - seen)
    return seen


def succeeded(answer: requests.Response) -> bool:
    """A 2xx, or a redirect anywhere but to the login page."""
    if 300 <= answer.status_code < 400:
        return "/login" not in answer.headers.get("Location", "")
    return 200 <= answer.status_code < 300


def ask(base: str, session: requests.Session, method: str, path: str, csrf: str | None):
    data = {"csrf_token": csrf} if csrf else {}
    return session.request(method, base + path, data=data if method == "POST" else None,
                           timeout=30, allow_redirects=False)


def order(routes) -> list[tuple[str, str]]:
    return sorted(routes, key=lambda route: (any(route[1].endswith(end) for end in LAST), route))


def run(template: DemoTemplate, folder) -> Campaign:
    campaign = Campaign("role × route × CSRF", "every portal route found by crawling, "
                        "for every role and none, POSTs with and without the CSRF token")
    home = template.copy_to(folder / "matrix")
    counts: Counter = Counter()
    findings: list[str] = []
    with RunningBox(home) as box:
        Api(box.url, "operator", template.passwords["operator"]).post("/api/v1/intakes", json=INTAKE)
        sessions = {role: portal_session(box.url, role, template.passwords.get(role)) for role in EVERYONE}
        routes = set().union(*(crawl(box.url, sessions[role]) for role in ROLES))
        for role in EVERYONE:  # nobody first, the supervisor (who can deactivate) last
            session = sessions[role]
            csrf = csrf_of(session.get(box.url + "/login" if role is None else box.url + "/",
                                       timeout=30).text)
            for method, path in order(routes):
                for token in ((csrf, None) if method == "POST" else (None,)):
                    answer = ask(box.url, session, method, path, token)
                    counts["answers"] += 1
                    due = role not in allowed_roles(path) or (method == "POST" and token is None)
                    if answer.status_code >= 500:
                        counts["5xx"] += 1
                        findings.append(f"{answer.status_code} {method} {path} as {role}")
                    elif due and succeeded(answer) and path != "/login":
                        counts["success where refusal due"] += 1
                        findings.append(f"{answer.status_code} {method} {path} as {role}"
                                        + (" without CSRF" if token is None and method == "POST" else ""))
    campaign.figure("routes found (method, path)", len(routes))
    campaign.figure("answers", counts["answers"])
    campaign.guarantee("5xx", counts["5xx"])
    campaign.guarantee("successes where a 401/403 was due", counts["success where refusal due"])
    campaign.figure("findings", "; ".join(findings[:6]) or "none")
    return campaign
