"""The API fuzzed against its own OpenAPI document (DESIGN §8): whatever a client sends, the answer is a
documented status with a documented body, never a 500.

Schemathesis's own pytest plugin does not run under pytest 9 yet, so each operation's Hypothesis strategy
is driven here directly."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import negative_data_rejection

from bianmin.api import api
from bianmin.org.tokens import create_token

EXCLUDED = {
    # Schema-valid data may still break a business rule (a code in use, a range over 400 days): a 400
    # with field messages is then the right answer.
    GenerationMode.POSITIVE: [positive_data_acceptance],
    # Invalid data that survives the trip through a query string (a repeated ?q=, an empty array sent as
    # ?unit=) or that only touches a header our valid token replaces arrives valid and is rightly served.
    GenerationMode.NEGATIVE: [positive_data_acceptance, negative_data_rejection],
}
OPERATIONS = sorted(
    f"{method.upper()} {path}" for path, methods in api.get_openapi_schema()["paths"].items() for method in methods
)


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    # As Django's test client does: the app must not close the test transaction's connection after
    # each request (it does so on PostgreSQL through close_old_connections).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("label", OPERATIONS)
def test_the_api_answers_every_generated_request_as_documented(county, label, mode):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    operation = schema.find_operation_by_label(label)
    assert operation is not None, label
    token = create_token(county.people["township_admin"])[1]
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "zh-hans"}

    @given(case=operation.as_strategy(generation_mode=mode))
    # Reproducible in CI; FUZZ_RANDOM=1 explores new examples on a developer's machine.
    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
        derandomize=os.environ.get("FUZZ_RANDOM") != "1",
    )
    def fuzz(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers, excluded_checks=EXCLUDED[mode])

    fuzz()
