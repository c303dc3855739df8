"""The one module that talks to AWS (boto3), as `ecrgen.ecr.engine` is the one CDKTF import.

Clients are made on first use, and boto3 is imported only then, so `validate` and `synth` never pay for
it. They come from the standard credential chain and endpoint settings (`AWS_PROFILE`,
`AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_ECR`, ...: boto3 reads them itself, so no endpoint is set here),
with botocore's standard retry mode: throttling and transient errors are retried before a call fails
(`AWS_MAX_ATTEMPTS`, default 3, says how often). Every error is translated here into one
`EcrgenError` naming the API, the error and what to do; an endpoint that does not implement an API
raises `NotImplementedByEndpoint` (an `EcrgenError` too), so that a caller may leave that part out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ecrgen.errors import EcrgenError, Problem

# Error codes of an answer that says the API does not exist at that endpoint.
NOT_IMPLEMENTED_CODES = frozenset(
    {"NotImplemented", "NotImplementedError", "UnknownOperationException", "InvalidAction"}
)
CREDENTIAL_CODES = frozenset(
    {
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "ExpiredToken",
        "ExpiredTokenException",
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
    }
)
DENIED_CODES = frozenset({"AccessDenied", "AccessDeniedException", "UnauthorizedOperation"})
# botocore's standard mode retries these before the error reaches ecrgen.
THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "TransactionInProgressException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "RequestThrottled",
        "SlowDown",
        "EC2ThrottledException",
    }
)
READ_ACCESS = "ecr:Describe*, ecr:Get*, ecr:List* and sts:GetCallerIdentity"


class NotImplementedByEndpoint(EcrgenError):
    """The endpoint answered that it does not implement this API (`evidence` says how it answered)."""

    api: str
    endpoint: str
    evidence: str


def not_implemented(api: str, endpoint: str, evidence: str) -> NotImplementedByEndpoint:
    """The error for an API the endpoint does not implement."""
    error = NotImplementedByEndpoint(
        [Problem("", "", f"AWS {api}: not implemented by {endpoint} ({evidence}); ecrgen needs it")]
    )
    error.api, error.endpoint, error.evidence = api, endpoint, evidence
    return error


class Aws:
    """The AWS account that the standard credential chain reaches, in one region."""

    def __init__(self, region: str, clients: Mapping[str, Any] | None = None):
        self.region = region
        self._clients = dict(clients or {})

    def client(self, service: str) -> Any:
        """The service's client, made on first use (boto3 imported only then)."""
        if service not in self._clients:
            import boto3
            from botocore.config import Config

            config = Config(retries={"mode": "standard"})
            self._clients[service] = boto3.session.Session().client(
                service, region_name=self.region, config=config
            )
        return self._clients[service]

    def call(self, service: str, operation: str, missing: tuple[str, ...] = (), **params: Any) -> Any:
        """One API call (`operation` as boto3 names it); None when AWS answers with one of the `missing`
        error codes (what is asked for is not there, e.g. a repository without a policy)."""
        return self._run(
            service, operation, lambda: getattr(self.client(service), operation)(**params), missing
        )

    def pages(self, service: str, operation: str, key: str, **params: Any) -> list:
        """Every item under `key` of every page (boto3's paginator: large registries take many pages)."""

        def read() -> list:
            paginator = self.client(service).get_paginator(operation)
            return [item for page in paginator.paginate(**params) for item in page.get(key, [])]

        return self._run(service, operation, read)

    def _run(
        self, service: str, operation: str, read: Callable[[], Any], missing: tuple[str, ...] = ()
    ) -> Any:
        """`read()`, its botocore errors (and moto's NotImplementedError) translated into an EcrgenError."""
        from botocore import exceptions

        try:
            return read()
        except exceptions.ClientError as error:
            if _code(error) in missing:
                return None
            raise self._client_error(service, operation, error) from None
        except (exceptions.BotoCoreError, NotImplementedError) as error:
            raise self._other_error(service, operation, error) from None

    def _api(self, service: str, operation: str) -> str:
        """`ecr:DescribeRepositories`, as IAM and CloudTrail name it."""
        client = self._clients.get(service)
        spelled = "".join(part.title() for part in operation.split("_"))
        name = getattr(getattr(client, "meta", None), "method_to_api_mapping", {}).get(operation, spelled)
        return f"{service}:{name}"

    def _endpoint(self, service: str) -> str:
        client = self._clients.get(service)
        return str(client.meta.endpoint_url) if client is not None else f"the {service} endpoint"

    def _client_error(self, service: str, operation: str, error: Any) -> EcrgenError:
        api, code = self._api(service, operation), _code(error)
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if code in NOT_IMPLEMENTED_CODES or status == 501:
            return not_implemented(api, self._endpoint(service), f"{code}, HTTP {status}")
        if status == 500 and code == "500":  # no AWS error in the body: moto's server, for an unknown action
            return not_implemented(api, self._endpoint(service), "HTTP 500 without an AWS error")
        detail = f"{code}: {error.response.get('Error', {}).get('Message') or 'no message'}"
        attempts = error.response.get("ResponseMetadata", {}).get("RetryAttempts", 0) + 1
        return EcrgenError([Problem("", "", _client_message(api, code, detail, attempts))])

    def _other_error(self, service: str, operation: str, error: Exception) -> EcrgenError:
        from botocore import exceptions

        api = self._api(service, operation)
        if isinstance(error, NotImplementedError):
            return not_implemented(api, self._endpoint(service), "NotImplementedError")
        if isinstance(error, exceptions.NoCredentialsError):
            message = (
                f"AWS {api}: no credentials found (environment variables, AWS_PROFILE and the shared config "
                "and credentials files, SSO, container or instance role); configure credentials for the "
                "account to read"
            )
        elif isinstance(error, exceptions.EndpointConnectionError | exceptions.ConnectTimeoutError):
            message = (
                f"AWS {api}: cannot reach {self._endpoint(service)} ({error}); "
                "check the network, --region and AWS_ENDPOINT_URL"
            )
        else:
            message = f"AWS {api}: failed ({error})"
        return EcrgenError([Problem("", "", message)])


def _code(error: Any) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _client_message(api: str, code: str, detail: str, attempts: int) -> str:
    """What an AWS error answer means for the user, and what to do."""
    if code in CREDENTIAL_CODES:
        return f"AWS {api}: the credentials were refused ({detail}); renew them or choose other credentials"
    if code in DENIED_CODES:
        return f"AWS {api}: access denied ({detail}); ecrgen needs read access: {READ_ACCESS}"
    if code in THROTTLING_CODES:
        return (
            f"AWS {api}: throttled ({detail}) on each of {attempts} attempt(s); try again later "
            "(AWS_MAX_ATTEMPTS allows more attempts)"
        )
    return f"AWS {api}: failed ({detail})"
