"""Content-Security-Policy and Permissions-Policy on every page; no inline script or handler in any template.

The policy (liaison/settings/base.py, django-csp 4) allows scripts and styles from this origin only. The one
exception is /api/docs/: Swagger UI's inline <style> and React's style attributes need style-src
'unsafe-inline' there; its scripts stay 'self' (SpectacularSwaggerSplitView serves the start-up script as a
file). The Django admin runs under the same policy as every other page.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

PAGES = [
    (None, "/"),
    (None, "/stations/YL-001/"),
    (None, "/opinions/new/?station=YL-001"),
    (None, "/api/docs/"),
    ("county", "/dashboard/"),
    ("county", "/desk/opinions/"),
    ("officer", "/desk/YL-001/"),
    ("admin", "/admin/"),
]

STRICT = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "form-action": {"'self'"},
    "frame-ancestors": {"'none'"},
}


def directives(header: str) -> dict[str, set[str]]:
    parsed = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = set(words[1:])
    return parsed


@pytest.mark.parametrize(("username", "url"), PAGES)
def test_every_page_carries_the_policy(client, demo_user, username, url):
    if username:
        client.force_login(demo_user(username))
    response = client.get(url)
    assert response.status_code == 200, url
    policy = directives(response["Content-Security-Policy"])
    expected = dict(STRICT)
    if url == "/api/docs/":
        expected["style-src"] = {"'self'", "'unsafe-inline'"}  # Swagger UI's styles only; never its scripts
    for name, sources in expected.items():
        assert policy.get(name) == sources, (url, name, policy.get(name))
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert response["Permissions-Policy"] == "camera=(), microphone=(), geolocation=(self), payment=()"


def test_api_docs_start_up_script_is_a_file(client):
    """The Swagger page loads its initialiser from ?script (allowed by script-src 'self'), not inline."""
    page = client.get("/api/docs/").content.decode()
    assert not INLINE_SCRIPT.search(page)
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def test_htmx_may_not_eval_nor_inject_styles(client):
    page = client.get("/").content.decode()
    assert """<meta name="htmx-config" content='{"includeIndicatorStyles": false, "allowEval": false}'>""" in page


# --- the templates themselves ---------------------------------------------------------------------------------

HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.IGNORECASE)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
STYLE_ATTR = re.compile(r"""\sstyle\s*=\s*["']""", re.IGNORECASE)
STYLE_TAG = re.compile(r"<style\b", re.IGNORECASE)
JS_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']\s*javascript:""", re.IGNORECASE)


def project_templates() -> list[Path]:
    base = Path(settings.BASE_DIR)
    folders = [base / "templates", *base.glob("*/templates")]
    files = [path for folder in folders if ".venv" not in folder.parts for path in folder.rglob("*.html")]
    assert len(files) > 50, "the template sweep found too few files"
    return sorted(files)


def test_no_template_holds_an_inline_handler_script_or_style():
    problems = []
    for path in project_templates():
        text = path.read_text(encoding="utf-8")
        for name, pattern in [
            ("event handler attribute", HANDLER),
            ("inline <script>", INLINE_SCRIPT),
            ("style attribute", STYLE_ATTR),
            ("<style> element", STYLE_TAG),
            ("javascript: URL", JS_URL),
        ]:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                problems.append(f"{path.relative_to(settings.BASE_DIR)}:{line}: {name}")
    assert not problems, "\n".join(problems)


def test_the_template_sweep_recognises_what_it_forbids():
    assert HANDLER.search('<button onclick="go()">')
    assert HANDLER.search("<form onsubmit='return confirm(1)'>")
    assert not HANDLER.search('<button data-online="1">')
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert INLINE_SCRIPT.search('<script type="module">x()</script>')
    assert not INLINE_SCRIPT.search('<script src="/static/js/portal.js" defer></script>')
    assert not INLINE_SCRIPT.search('<script id="d" type="application/json">{}</script>')


def test_project_javascript_builds_no_html_strings():
    """static/js (not vendor) sets text with textContent: no innerHTML, insertAdjacentHTML, document.write,
    and no string holding a tag."""
    forbidden = re.compile(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|[\"']\s*<\s*/?[a-z]", re.I)
    problems = []
    for path in sorted((Path(settings.BASE_DIR) / "static" / "js").glob("*.js")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if forbidden.search(line):
                problems.append(f"{path.name}:{number}: {line.strip()}")
    assert not problems, "\n".join(problems)
