"""`ecrgen.aws`, the one module that talks to AWS: clients made on first use (boto3 imported only then),
the standard credential chain and AWS_ENDPOINT_URL honoured, standard retries, and every error one
EcrgenError naming the API, what went wrong and what to do (exact texts pinned)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
import pytest
from botocore.stub import Stubber
from conftest import EXAMPLES
from moto import mock_aws

from ecrgen.aws import Aws, NotImplementedByEndpoint
from ecrgen.errors import EcrgenError

REGION = "eu-west-1"


@pytest.fixture
def aws_env(monkeypatch, tmp_path):
    """No credentials, no config, no instance metadata: only what a test sets reaches botocore."""
    for name in [n for n in __import__("os").environ if n.startswith("AWS_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")

    def set_env(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setenv(name, value)

    return set_env


class FakeEndpoint:
    """An HTTP endpoint that gives every request the same answer, and counts them."""

    def __init__(self, status: int, body: str, content_type: str = "application/x-amz-json-1.1"):
        self.requests = 0
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                endpoint.requests += 1
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body.encode())))
                self.end_headers()
                self.wfile.write(body.encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def endpoint(aws_env):
    """A fake endpoint as AWS_ENDPOINT_URL, with test credentials and 2 attempts per call."""
    started = []

    def start(status: int, body: str, **kwargs) -> FakeEndpoint:
        fake = FakeEndpoint(status, body, **kwargs)
        started.append(fake)
        aws_env(
            AWS_ENDPOINT_URL=fake.url,
            AWS_ACCESS_KEY_ID="test",
            AWS_SECRET_ACCESS_KEY="test",
            AWS_MAX_ATTEMPTS="2",
        )
        return fake

    yield start
    for fake in started:
        fake.close()


def messages(caught) -> list[str]:
    return [str(p) for p in caught.value.problems]


def stubbed(service: str = "ecr") -> tuple[Aws, Stubber]:
    client = boto3.client(service, region_name=REGION, aws_access_key_id="test", aws_secret_access_key="test")
    return Aws(REGION, {service: client}), Stubber(client)


def test_no_credentials_says_where_they_are_looked_for(aws_env):
    with pytest.raises(EcrgenError) as caught:
        Aws(REGION).call("sts", "get_caller_identity")
    assert messages(caught) == [
        "AWS sts:GetCallerIdentity: no credentials found (environment variables, AWS_PROFILE and the shared "
        "config and credentials files, SSO, container or instance role); configure credentials for the account to read"
    ]


def test_an_unreachable_endpoint_is_named(aws_env):
    aws_env(
        AWS_ENDPOINT_URL="http://127.0.0.1:1",
        AWS_ACCESS_KEY_ID="test",
        AWS_SECRET_ACCESS_KEY="test",
        AWS_MAX_ATTEMPTS="1",
    )
    with pytest.raises(EcrgenError) as caught:
        Aws(REGION).pages("ecr", "describe_repositories", "repositories")
    assert messages(caught) == [
        'AWS ecr:DescribeRepositories: cannot reach http://127.0.0.1:1 (Could not connect to the endpoint URL: "http://127.0.0.1:1/"); '
        "check the network, --region and AWS_ENDPOINT_URL"
    ]


def test_an_unknown_profile_is_a_clear_error(aws_env):
    aws_env(AWS_PROFILE="nowhere")
    with pytest.raises(EcrgenError) as caught:
        Aws(REGION).call("sts", "get_caller_identity")
    assert messages(caught) == [
        "AWS sts:GetCallerIdentity: failed (The config profile (nowhere) could not be found)"
    ]


def test_throttling_is_retried_then_reported(endpoint):
    fake = endpoint(400, json.dumps({"__type": "ThrottlingException", "message": "Rate exceeded"}))
    with pytest.raises(EcrgenError) as caught:
        Aws(REGION).call("ecr", "describe_registry")
    assert fake.requests == 2  # AWS_MAX_ATTEMPTS: botocore's standard retries ran
    assert messages(caught) == [
        "AWS ecr:DescribeRegistry: throttled (ThrottlingException: Rate exceeded) on each of 2 attempt(s); "
        "try again later (AWS_MAX_ATTEMPTS allows more attempts)"
    ]


def test_an_html_500_is_an_api_the_endpoint_does_not_implement(endpoint):
    """moto's server answers an action it lacks with Werkzeug's HTML 500 page, no AWS error in it."""
    fake = endpoint(500, "<!doctype html><title>500 Internal Server Error</title>", content_type="text/html")
    with pytest.raises(NotImplementedByEndpoint) as caught:
        Aws(REGION).pages("ecr", "describe_pull_through_cache_rules", "pullThroughCacheRules")
    assert fake.requests == 2  # a 500 is retried first
    assert (caught.value.api, caught.value.evidence) == (
        "ecr:DescribePullThroughCacheRules",
        "HTTP 500 without an AWS error",
    )
    assert messages(caught) == [
        f"AWS ecr:DescribePullThroughCacheRules: not implemented by {fake.url} (HTTP 500 without an AWS error); "
        "ecrgen needs it"
    ]


def test_an_aws_server_error_is_not_taken_for_a_missing_api(endpoint):
    endpoint(500, json.dumps({"__type": "ServerException", "message": "Internal error"}))
    with pytest.raises(EcrgenError) as caught:
        Aws(REGION).call("ecr", "describe_registry")
    assert not isinstance(caught.value, NotImplementedByEndpoint)
    assert messages(caught) == ["AWS ecr:DescribeRegistry: failed (ServerException: Internal error)"]


@pytest.mark.parametrize(
    ("code", "status", "evidence"),
    [
        ("NotImplemented", 400, "NotImplemented, HTTP 400"),
        ("InternalFailure", 501, "InternalFailure, HTTP 501"),
    ],
)
def test_answers_that_say_not_implemented(code, status, evidence):
    aws, stub = stubbed()
    stub.add_client_error("describe_registry", service_error_code=code, http_status_code=status)
    with stub, pytest.raises(NotImplementedByEndpoint) as caught:
        aws.call("ecr", "describe_registry")
    assert caught.value.evidence == evidence


def test_moto_in_process_raises_not_implemented_error(aws_env):
    aws_env(AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test")
    with mock_aws(), pytest.raises(NotImplementedByEndpoint) as caught:
        Aws(REGION).pages("ecr", "describe_repository_creation_templates", "repositoryCreationTemplates")
    assert caught.value.evidence == "NotImplementedError"
    assert messages(caught) == [
        "AWS ecr:DescribeRepositoryCreationTemplates: not implemented by https://api.ecr.eu-west-1.amazonaws.com "
        "(NotImplementedError); ecrgen needs it"
    ]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (
            "AccessDeniedException",
            "AWS ecr:DescribeRegistry: access denied (AccessDeniedException: no); ecrgen needs read access: "
            "ecr:Describe*, ecr:Get*, ecr:List* and sts:GetCallerIdentity",
        ),
        (
            "UnrecognizedClientException",
            "AWS ecr:DescribeRegistry: the credentials were refused (UnrecognizedClientException: no); renew them "
            "or choose other credentials",
        ),
        ("ValidationException", "AWS ecr:DescribeRegistry: failed (ValidationException: no)"),
    ],
)
def test_error_answers(code, expected):
    aws, stub = stubbed()
    stub.add_client_error("describe_registry", service_error_code=code, service_message="no")
    with stub, pytest.raises(EcrgenError) as caught:
        aws.call("ecr", "describe_registry")
    assert messages(caught) == [expected]


def test_an_expected_absence_is_none():
    aws, stub = stubbed()
    stub.add_client_error("get_registry_policy", service_error_code="RegistryPolicyNotFoundException")
    with stub:
        assert aws.call("ecr", "get_registry_policy", missing=("RegistryPolicyNotFoundException",)) is None


def test_pages_reads_every_page():
    aws, stub = stubbed()
    stub.add_response(
        "describe_repositories", {"repositories": [{"repositoryName": "aa"}], "nextToken": "t"}, {}
    )
    stub.add_response(
        "describe_repositories", {"repositories": [{"repositoryName": "bb"}]}, {"nextToken": "t"}
    )
    with stub:
        found = aws.pages("ecr", "describe_repositories", "repositories")
    assert [r["repositoryName"] for r in found] == ["aa", "bb"]
    stub.assert_no_pending_responses()


def test_validate_never_imports_boto3():
    """Clients are made on first use: commands that read no AWS do not pay for boto3."""
    code = (
        "import sys; from pathlib import Path; from ecrgen import commands; "
        f"commands.validate(Path({str(EXAMPLES)!r})); print(sorted(m for m in sys.modules if m.split('.')[0] in ('boto3', 'botocore')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
