"""One language at a time: every page, Excel export and PDF the crawl (``tests/core/crawl.py``) got in Simplified
Chinese, for every role, carries none of the project's own English words.

The forbidden words come from the project itself:

- English: every label of the project's choices (``TextChoices`` and the choices of every model field) and every
  msgid of ``locale/zh_Hans/LC_MESSAGES/django.po`` — one of them verbatim in a Chinese response was not
  translated;
- machine values: every value of those choices, the dashboard's figure keys (``StationMonth.FIGURES``) and the
  evaluation's rule names — stable keys that belong in the API (excluded here), never in what people read.

Only what people read is matched: text nodes of HTML (and the visible ``title``/``alt``/``placeholder``/
``aria-label`` attributes), never tags, other attributes, URLs, ``<script>`` or ``<style>``, nor an element
that declares another language (``lang="en"``: the language switch says "English" in English on purpose);
every text of a PDF (pypdf) and every cell and sheet title of a workbook (openpyxl). Account names and e-mail
addresses are data, not words of the interface.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache, cached_property
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import translation

from . import crawl

pytestmark = pytest.mark.django_db

PO_FILE = Path(settings.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES" / "django.po"  # the project's catalogue
PROJECT_PACKAGES = (*crawl.PROJECT_APPS, "portal", "desk")
THIRD_PARTY_ADMIN = re.compile(r"^/admin/(django_celery_beat|authtoken|auth|axes)/")  # not the project's words
VISIBLE_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label"}

# Pages other engineers are changing right now, by url name → who owns the fix and what it shows (measured with
# every /tmp/i18n/*.json merged into the catalogue). The main test skips them; test_known_offenders_of_other_owners
# checks them as strict expected failures, so a row must go once its fix lands.
OTHER_OWNERS: dict[str, str] = {}


# ---------------------------------------------------------------------------------------------------------------
# The forbidden vocabulary, from the project itself


def _project_choice_classes():
    seen, todo = set(), list(models.Choices.__subclasses__())
    while todo:
        cls = todo.pop()
        if cls in seen:
            continue
        seen.add(cls)
        todo.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in PROJECT_PACKAGES:
            yield cls


def _project_choices():
    """(value, English label, where) of every choice of the project: its ``Choices`` classes and the choices of
    every field of its models."""
    with translation.override("en"):
        for cls in _project_choice_classes():
            for value, label in cls.choices:
                yield value, str(label), f"{cls.__module__}.{cls.__qualname__}"
        for model in apps.get_models():
            if model._meta.app_label not in crawl.PROJECT_APPS:
                continue
            for f in model._meta.get_fields():
                for value, label in getattr(f, "flatchoices", None) or []:
                    yield value, str(label), f"{model._meta.label}.{f.name}"


@cache
def catalogue() -> polib.POFile:
    return polib.pofile(str(PO_FILE))


@cache
def third_party_messages() -> frozenset[str]:
    """The msgids of Django and the third-party apps (their own words: the admin's "Add link", axes' "Access
    attempts"). A text that is one of them, whole, is theirs, not the project's: a project template that says
    the same words is translated by their catalogue anyway."""
    import django

    files = [Path(django.__file__).parent / "conf" / "locale" / "en" / "LC_MESSAGES" / "django.po"]
    for config in apps.get_app_configs():
        if config.name.split(".")[0] in PROJECT_PACKAGES:
            continue
        found = sorted(Path(config.path).glob("locale/*/LC_MESSAGES/django.po"))  # every catalogue has all msgids
        files += [p for p in found if "/en/" in str(p)][:1] or found[:1]
    found = set()
    for path in files:
        for entry in polib.pofile(str(path)) if path.exists() else []:
            flat = " ".join(entry.msgid.split())
            found |= {flat, flat[:1].upper() + flat[1:]}  # the admin capitalises verbose names
    return frozenset(found)


@cache
def _third_party_text() -> str:
    return "\n".join(sorted(third_party_messages()))


# English that Django writes without a msgid at all (so no catalogue can translate it)
HARD_CODED_BY_DJANGO = {
    "If disabled, the current password for this user will be lost.",  # contrib.auth.forms.AdminPasswordChangeForm
}


def _theirs(segment: str) -> bool:
    """A segment that is one of Django's or a third-party app's messages, or a piece of one (their templates
    split a sentence around markup)."""
    flat = segment.strip(" :：›‹»«|·-\u00a0")
    return (
        flat in third_party_messages()
        or flat in HARD_CODED_BY_DJANGO
        or (len(flat) > 12 and flat in _third_party_text())
    )


@cache
def english_data() -> frozenset[str]:
    """English names the project keeps as data (``name_en`` of areas and of the evaluation scheme)."""
    values = set()
    for model in apps.get_models():
        if model._meta.app_label in crawl.PROJECT_APPS and any(f.name == "name_en" for f in model._meta.fields):
            values |= set(model._default_manager.values_list("name_en", flat=True))
    return frozenset(" ".join(v.split()) for v in values if v)


def _kept_in_translation(phrase: str) -> bool:
    """A word the translators kept as is (``Excel``, ``PDF``, ``API``) is not an untranslated one."""
    pattern = re.compile(rf"(?<![A-Za-z]){re.escape(phrase)}(?![A-Za-z])")
    return any(pattern.search(e.msgstr or "") for e in catalogue() if not e.obsolete) or any(
        pattern.search(s) for e in catalogue() for s in e.msgstr_plural.values()
    )


_PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|%[sdf]|\{\w*\}")


def _letters(text: str) -> int:
    return len(re.findall(r"[A-Za-z]", _PLACEHOLDER.sub("", text)))


@cache
def english_words() -> dict[str, str]:
    """English phrase → where it comes from (a choice label, or a msgid of the catalogue)."""
    words: dict[str, str] = {}
    for _value, label, where in _project_choices():
        words.setdefault(" ".join(label.split()), f"choice label of {where}")
    for entry in catalogue():
        if entry.obsolete:
            continue
        for msgid in filter(None, (entry.msgid, entry.msgid_plural)):
            words.setdefault(" ".join(msgid.split()), "msgid of django.po")
    return {
        w: where
        for w, where in words.items()
        if _letters(w) >= 2 and not re.search(r"[^\x00-\x7f·–—…’“”]", w) and not _kept_in_translation(w)
    }


@cache
def machine_values() -> dict[str, str]:
    """Machine value → where it comes from."""
    from reports.models import StationMonth
    from reports.rules import RULES

    values: dict[str, str] = {}
    for value, _label, where in _project_choices():
        if isinstance(value, str) and re.search(r"[a-z]", value):
            values.setdefault(value, f"choice value of {where}")
    for name in StationMonth.FIGURES:
        values.setdefault(name, "figure key of reports.StationMonth")
    for name in RULES:
        values.setdefault(name, "rule name of reports.rules")
    return values


_FILLED = r"[^\n\u3000-\u9fff\uff00-\uffef]{1,40}?"  # what a placeholder became: anything but Chinese


def _phrase_regex(phrase: str) -> str:
    parts = _PLACEHOLDER.split(phrase)
    return _FILLED.join(r"\s+".join(map(re.escape, part.split(" "))) for part in parts)


@cache
def english_matcher() -> re.Pattern:
    phrases = sorted(english_words(), key=len, reverse=True)
    body = "|".join(_phrase_regex(p) for p in phrases)
    return re.compile(rf"(?<![A-Za-z0-9_])(?:{body})(?![A-Za-z0-9_])")


@cache
def machine_matcher() -> re.Pattern:
    body = "|".join(re.escape(v) for v in sorted(machine_values(), key=len, reverse=True))
    return re.compile(rf"(?<![A-Za-z0-9_\-/.])(?:{body})(?![A-Za-z0-9_\-/])")


@cache
def _templates() -> list[tuple[re.Pattern, str]]:
    return [(re.compile(_phrase_regex(p)), p) for p in english_words() if _PLACEHOLDER.search(p)]


@cache
def phrase_of(matched: str) -> str:
    """The word of the vocabulary a match is (a msgid with placeholders matches its filled-in text)."""
    flat = " ".join(matched.split())
    if flat in machine_values() or flat in english_words():
        return flat
    for pattern, phrase in _templates():
        if pattern.fullmatch(flat):
            return phrase
    return flat


def _source_of(word: str) -> str:
    return machine_values().get(word) or english_words().get(word) or "?"


# ---------------------------------------------------------------------------------------------------------------
# What people read


class _Text(HTMLParser):
    """Text nodes and visible attributes of an HTML page, skipping <script>/<style> and any element that
    declares a language other than the page's."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
    SKIP = {"script", "style", "textarea"}  # code, and what a form field holds (data, JSON being edited)

    def __init__(self, language: str):
        super().__init__(convert_charrefs=True)
        self.language = language
        self.stack: list[tuple[str, bool]] = []
        self.segments: list[str] = []

    @property
    def skipping(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang = (attrs.get("lang") or "").lower()
        skip = self.skipping or tag in self.SKIP or bool(lang and not lang.startswith(self.language[:2]))
        if not skip:
            self.segments += [v for k, v in attrs.items() if k in VISIBLE_ATTRIBUTES and v]
        if tag not in self.VOID:
            self.stack.append((tag, skip))

    def handle_startendtag(self, tag, attrs):
        if tag not in self.VOID:
            self.handle_starttag(tag, attrs)
            self.handle_endtag(tag)
        else:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.segments.append(data)


def html_text(content: bytes, language: str = crawl.LANGUAGE) -> list[str]:
    parser = _Text(language)
    parser.feed(content.decode("utf-8", errors="replace"))
    parser.close()
    return parser.segments


def pdf_text(content: bytes) -> list[str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    return [page.extract_text() or "" for page in reader.pages]


def xlsx_text(content: bytes) -> list[str]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    segments = []
    for sheet in workbook.worksheets:
        segments.append(sheet.title)
        for row in sheet.iter_rows(values_only=True):
            segments += [str(v) for v in row if isinstance(v, str) and v.strip()]
    workbook.close()
    return segments


READERS = {"html": html_text, "pdf": pdf_text, "xlsx": xlsx_text}

_LETTERS = re.compile(r"[A-Za-z]{2}")
# data inside a text: addresses, e-mail, paths, and references such as "reception-day:903" or "deputy:74"
_DATA = re.compile(r"https?://\S+|[\w.+-]+@[\w-]+\.[\w.]+|/[\w\-./?=&%]+|\b[a-z][a-z_-]*:\d+\b")


@cache
def account_names() -> frozenset[str]:
    return frozenset(crawl._model("accounts.User").objects.values_list("username", flat=True))


class _Accounts:
    @cached_property
    def pattern(self) -> re.Pattern:
        body = "|".join(re.escape(n) for n in sorted(account_names(), key=len, reverse=True))
        return re.compile(rf"(?<![A-Za-z0-9_])(?:{body})(?![A-Za-z0-9_])")

    def sub(self, replacement: str, text: str) -> str:
        return self.pattern.sub(replacement, text)


_ACCOUNT = _Accounts()


@dataclass(frozen=True)
class Offence:
    key: str
    url: str
    role: str
    kind: str
    word: str
    context: str

    def __str__(self):
        return f"{self.role:9} {self.url} [{self.kind}] {self.word!r} ({_source_of(self.word)}) in “{self.context}”"


_AUTO_THROUGH = re.compile(r"[A-Z]\w*-\w*\s*关系:[^\n]*|\b[A-Z]\w*_\w+ object \(\d+\)")


def offences_in(segments: list[str], *, key: str, url: str, role: str, kind: str) -> list[Offence]:
    found = []
    names, data = account_names(), english_data()
    in_admin = url.startswith("/admin/")
    for segment in segments:
        if not _LETTERS.search(segment):
            continue  # nothing English can hide in it
        flat = " ".join(segment.split())
        if flat in names or flat in data or (in_admin and _theirs(flat)):
            continue  # account names and English names are data; the admin's own words are Django's
        text = _DATA.sub(" ", flat)
        if in_admin:
            # Django's delete page names the rows of an automatic many-to-many table by their class names
            # ("Suggestion-deputy 关系: Suggestion_co_signers object (4)"): Django's words, not the project's
            text = _AUTO_THROUGH.sub(" ", text)
            # the admin names records by their accounts ("修改密码：admin"); everywhere else a person is printed
            # by name (accounts.models.display_name), so an account name there is still an offence
            text = _ACCOUNT.sub(" ", text)
        for matcher in (english_matcher(), machine_matcher()):
            for m in matcher.finditer(text):
                context = text[max(0, m.start() - 30) : m.end() + 30]
                word = phrase_of(m.group(0))
                found.append(Offence(key=key, url=url, role=role, kind=kind, word=word, context=context))
    return found


def readable(result) -> bool:
    return (
        result.method == "GET"
        and result.status == 200
        and result.kind in READERS
        and not result.url.startswith("/api/")
        and not THIRD_PARTY_ADMIN.match(result.url)
        and result.key != "admin:jsi18n"
    )


def offences_of(results) -> list[Offence]:
    found = []
    for r in results:
        if readable(r):
            found += offences_in(READERS[r.kind](r.body), key=r.key, url=r.url, role=r.role, kind=r.kind)
    return found


def _report(offences) -> str:
    by_page = defaultdict(list)
    for o in offences:
        by_page[(o.key, o.word)].append(o)
    lines = []
    for (_key, _word), group in sorted(by_page.items()):
        lines.append(f"{group[0]}" + (f"  (+{len(group) - 1} more)" if len(group) > 1 else ""))
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------------------
# The tests


@pytest.mark.parametrize("role", crawl.ROLES)
def test_every_page_export_and_pdf_speaks_one_language(crawl_results, role):
    results = [r for r in crawl_results.for_role(role) if readable(r)]
    assert results, f"the crawl read nothing as {role}"
    offences = offences_of([r for r in results if r.key not in OTHER_OWNERS])
    assert not offences, f"English or machine words in Chinese responses as {role}:\n{_report(offences)}"


@pytest.mark.parametrize(
    "key", [pytest.param(key, marks=pytest.mark.xfail(strict=True, reason=why)) for key, why in OTHER_OWNERS.items()]
)
def test_known_offenders_of_other_owners(crawl_results, key):
    """Passes (an unexpected pass, which strict turns into a failure) once the page is clean or gone: drop its
    row then."""
    offences = offences_of([r for r in crawl_results.results if r.key == key and readable(r)])
    assert not offences, _report(offences)


def test_every_exempt_page_exists():
    keys = {p.key for p in crawl.walk()}
    assert set(OTHER_OWNERS) <= keys, sorted(set(OTHER_OWNERS) - keys)


def test_the_crawl_reads_pages_exports_and_pdfs_of_every_kind(crawl_results):
    kinds = {r.kind for r in crawl_results.results if readable(r)}
    assert kinds == {"html", "pdf", "xlsx"}
    keys = {r.key for r in crawl_results.results if readable(r)}
    assert {"reports:dashboard_xlsx", "reports:evaluation_xlsx", "reports:annual_report_pdf"} <= keys
    assert {"reports:evaluation_pdf", "desk:record-pdf", "desk:record-xlsx", "desk:ledger_export"} <= keys


# --- the test can fail ---------------------------------------------------------------------------------------


def test_the_vocabulary_comes_from_the_project():
    english, machine = english_words(), machine_values()
    assert {"Excellent", "Automatic", "Manual", "Liaison officer", "In progress"} <= set(english)
    assert "Deputy liaison stations" in english  # a msgid of the catalogue
    assert {"excellent", "auto", "manual", "in_progress", "national", "satisfied", "people_received"} <= set(machine)
    assert "Excel" not in english or not _kept_in_translation("Excel")


def test_it_catches_an_injected_english_label_and_ignores_machine_keys_where_they_belong():
    page = (
        '<html lang="zh-hans"><body><table><tr><th>等次</th><td>Excellent</td></tr></table>'
        '<select name="status"><option value="in_progress" data-status="in_progress">处理中</option></select>'
        '<a href="/desk/?status=in_progress" class="people_received">链接</a>'
        '<script>const data = {"grade": "excellent", "label": "Excellent"};</script>'
        '<button lang="en">English</button><img alt="layout picture" src="x.png">'
        "<p>状态：in_progress</p><p>联络员：officer</p></body></html>"
    ).encode()
    found = offences_in(html_text(page), key="k", url="/desk/", role="r", kind="html")
    # the label in a cell, the visible alt text, a machine value and an account name (a person is printed by
    # name) in text nodes; nothing from attributes, URLs, the script or the element marked English
    assert sorted(o.word for o in found) == ["Excellent", "in_progress", "layout picture", "officer"]
    clean = '<html lang="zh-hans"><p>优秀</p><option value="excellent">优秀</option></html>'.encode()
    assert offences_in(html_text(clean), key="k", url="/u/", role="r", kind="html") == []


def test_it_reads_workbooks_and_pdfs():
    from openpyxl import Workbook

    from core import pdf

    workbook = Workbook()
    workbook.active.title = "评估"
    workbook.active.append(["站点", "people_received", "Excellent"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    words = {o.word for o in offences_in(xlsx_text(buffer.getvalue()), key="k", url="/u", role="r", kind="xlsx")}
    assert words == {"people_received", "Excellent"}

    document = pdf.render(title="评估", blocks=[pdf.Table(["等次"], [["Excellent"], ["national"]])])
    words = {o.word for o in offences_in(pdf_text(document), key="k", url="/u", role="r", kind="pdf")}
    assert words == {"Excellent", "national"}
