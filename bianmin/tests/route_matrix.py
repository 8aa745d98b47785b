"""Permission matrix over the routes and pages the other matrices miss (DESIGN §8): each persona of the test
county and an anonymous caller, against objects in and out of their scope.

The other matrices: units and one person (bianmin/org/tests/test_api_permissions.py), home and admin
(test_pages_permissions.py), a village case's detail, list and reply (cases/tests/test_api.py, test_pages.py),
the catalogue's item writes and Excel page (catalog/tests), each persona's own and another county's report
(reports/tests). Here: people lists, intake by role, filing applications, the three-level analysis with a unit
inside and outside the caller's scope, attachments, notices, the catalogue's material files and manage page,
the workbench with a citizen's, an assisted and a service-center case, and bulk actions.

Each test builds the county once and loops over the personas, collecting every cell that differs from the
table. Tables map an expected value to the personas who get it, written out by hand: a persona must be in
exactly one set. "login" is a page's redirect to the login page. A case outside the caller's scope is not
found (404); a public object (a catalogue item) the caller may not change is forbidden (403); a unit or person
named in a request's fields or query that is outside the caller's scope is a field error (400), the same as an
unknown one.

The tests live in three files by route family: test_route_matrix_people.py (people, intake, applications),
test_route_matrix_files.py (attachments, notices) and test_route_matrix_workbench.py (the analysis and the
reports, the catalogue's material files and manage page, the workbench and bulk actions). This module holds
what they share.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from bianmin.org.tests.test_api_permissions import PERSONAS

ANONYMOUS = "anonymous"
EVERYONE = [*PERSONAS, ANONYMOUS]

PDF = b"%PDF-1.4 form"

# Who sees and who handles a case handled in 浣花村 (or about it).
VIEW_HUANHUA = {
    "cadre_a",
    "work_team",
    "township_staff",
    "township_leader",
    "township_admin",
    "supervisor",
    "county_admin",
}
HANDLE_HUANHUA = {"cadre_a", "work_team", "township_staff", "township_leader", "township_admin", "county_admin"}


def cell(table: dict[Any, set[str]], persona: str) -> Any:
    """The value `table` expects for `persona`; the persona must be in exactly one of its sets."""
    found = [value for value, names in table.items() if persona in names]
    assert len(found) == 1, f"{persona} is in {len(found)} cells of {table}"
    return found[0]


def others(*sets: set[str]) -> set[str]:
    """The personas (signed in) but those of `sets`."""
    return set(PERSONAS).difference(*sets)


def page(response: Any) -> int | str:
    """A page's status, "login" for the redirect to the login page; a download is read to its end."""
    if response.status_code == 302 and response.headers["Location"].startswith("/login/"):
        return "login"
    if response.streaming:
        b"".join(response.streaming_content)
    return response.status_code


class Callers:
    """Each persona (or an anonymous caller) through a page session and through an API token."""

    def __init__(self, county: Any, api_as: Any, client: Any) -> None:
        self.county, self.api_as, self.client = county, api_as, client

    def as_(self, persona: str) -> Any:
        user = None if persona == ANONYMOUS else self.county.people[persona]
        if user is None:
            self.client.logout()
        else:
            self.client.force_login(user)
        return self.api_as(user)


def upload(api: Any, path: str, name: str, content: bytes) -> Any:
    return api.client.post("/api/v1" + path, {"file": SimpleUploadedFile(name, content)}, headers=api.headers)


def differences(observed: dict[tuple[str, str], Any], expected: dict[str, dict[Any, set[str]]]) -> list[str]:
    return [
        f"{route} as {persona}: got {got!r}, expected {cell(expected[route], persona)!r}"
        for (route, persona), got in observed.items()
        if got != cell(expected[route], persona)
    ]
