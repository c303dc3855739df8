"""`ecrgen lifecycle-preview --from-aws`: the images read from AWS through `ecrgen.aws`. The happy path
against moto (images pushed with put_image); what moto does not hold (every page, the order AWS answers
in, pull times, the archive fields, the imageStatus filter) with botocore's Stubber."""

from __future__ import annotations

import datetime as dt
import json
import os

import boto3
import pytest
from botocore.stub import Stubber
from conftest import minimal
from moto import mock_aws
from typer.testing import CliRunner

from ecrgen import aws as aws_module
from ecrgen.cli import app

REGION = "us-east-1"
ACCOUNT_ID = "123456789012"  # moto's default account, and minimal()'s
REPOSITORIES = """
[[repository]]
name = "app"
[repository.lifecycle]
max_image_count = 1
untagged_image_days = 7
protected_tags = ["prod-*"]
"""
MANIFEST = {
    "schemaVersion": 2,
    "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
    "config": {
        "mediaType": "application/vnd.docker.container.image.v1+json",
        "size": 1,
        "digest": "sha256:{}",
    },
    "layers": [],
}


@pytest.fixture
def here(accounts, tmp_path, monkeypatch):
    """An account folder, AWS settings of the machine out of the way, test credentials."""
    for name in [n for n in os.environ if n.startswith("AWS_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    return accounts(prod=minimal("production", REPOSITORIES))


def preview(*extra: str):
    return CliRunner().invoke(app, ["lifecycle-preview", "prod", "app", "--from-aws", "--json", *extra])


def test_moto_images_pushed_with_put_image(here):
    """A day after the pushes only the count rule (keep 1) expires: not the prod-tagged image (protected
    by rule 1) nor the untagged one (matched by rule 2, too young for it)."""
    with mock_aws():
        ecr = boto3.client("ecr", region_name=REGION)
        ecr.create_repository(repositoryName="app")
        pushed = []
        for n, tag in enumerate(["prod-1", "v1", None, "v2"]):
            layer = {
                "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                "size": 1,
                "digest": f"sha256:{n:064d}",
            }
            manifest = json.dumps({**MANIFEST, "layers": [layer]})  # moto's digest: of the layer digests
            extra = {"imageTag": tag} if tag else {}
            pushed.append(ecr.put_image(repositoryName="app", imageManifest=manifest, **extra)["image"])
        listed = ecr.describe_images(repositoryName="app")["imageDetails"]
        # a day later, and a year later
        soon = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
        later = soon + dt.timedelta(days=365)
        day, year = (preview("--at", t.isoformat()) for t in (soon, later))
    assert (day.exit_code, year.exit_code) == (0, 0), day.output + year.output
    prod, v1, untagged, v2 = (image["imageId"]["imageDigest"] for image in pushed)
    # moto stamps pushes to the second: the count rule's newest is the latest push, equal times by digest
    newest = max(listed, key=lambda i: (i["imagePushedAt"], i["imageDigest"]))["imageDigest"]
    assert json.loads(day.stdout) == {
        "repository": "app",
        "images": [
            {"imageDigest": d, "action": "expire", "rulePriority": 3}
            if d in {v1, v2} - {newest}
            else {"imageDigest": d, "action": "keep", "rulePriority": None}
            for d in (i["imageDigest"] for i in listed)
        ],
    }
    # a year later the untagged image is older than 7 days (rule 2); prod-1 stays protected (rule 1)
    actions = {i["imageDigest"]: (i["action"], i["rulePriority"]) for i in json.loads(year.stdout)["images"]}
    assert actions[untagged] == ("expire", 2)
    assert actions[prod] == ("keep", None)


def test_a_repository_aws_does_not_have_is_aws_s_error(here):
    with mock_aws():
        result = preview()
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].startswith(
        "AWS ecr:DescribeImages: failed (RepositoryNotFoundException: "
    )


def _detail(digest: str, tags: list[str] | None, pushed: str, **fields) -> dict:
    found = {"imageDigest": digest, "imagePushedAt": dt.datetime.fromisoformat(pushed), **fields}
    return {**found, "imageTags": tags} if tags else found


@pytest.fixture
def stubbed(here, monkeypatch):
    """The ecr client of `ecrgen.aws` with botocore's Stubber on it."""
    client, real = boto3.client("ecr", region_name=REGION), aws_module.Aws
    monkeypatch.setattr(aws_module, "Aws", lambda region: real(region, {"ecr": client}))
    with Stubber(client) as stub:
        yield stub
        stub.assert_no_pending_responses()


def test_every_page_is_read_in_any_order_with_pull_times_and_archive_fields(stubbed):
    expected = {"repositoryName": "app", "registryId": ACCOUNT_ID, "filter": {"imageStatus": "ANY"}}
    archived = {
        "imageStatus": "ARCHIVED",
        "lastArchivedAt": dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
        "lastActivatedAt": dt.datetime(2024, 12, 1, tzinfo=dt.UTC),
    }
    stubbed.add_response(
        "describe_images",
        {
            "imageDetails": [
                _detail("sha256:new", ["v3"], "2025-05-30T00:00:00+00:00"),
                _detail("sha256:untagged", None, "2025-05-01T00:00:00+00:00"),
            ],
            "nextToken": "page-2",
        },
        expected,
    )
    stubbed.add_response(
        "describe_images",
        {
            "imageDetails": [
                _detail(
                    "sha256:pulled",
                    ["v2"],
                    "2025-01-01T00:00:00+00:00",
                    lastRecordedPullTime=dt.datetime(2025, 5, 31, tzinfo=dt.UTC),
                ),
                _detail("sha256:archived", ["v1"], "2024-01-01T00:00:00+00:00", **archived),
                _detail("sha256:prod", ["prod-1"], "2024-06-01T00:00:00+00:00"),
            ]
        },
        {**expected, "nextToken": "page-2"},
    )
    result = preview("--at", "2025-06-01T00:00:00Z", "--deployed", "v2")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["images"] == [
        {"imageDigest": "sha256:new", "action": "keep", "rulePriority": None},  # the newest (count 1)
        {"imageDigest": "sha256:untagged", "action": "expire", "rulePriority": 2},  # 31 days > 7
        {"imageDigest": "sha256:pulled", "action": "expire", "rulePriority": 3},  # pulled, but not newest
        # archived: the default policy's rules are all of the standard class; none selects it
        {"imageDigest": "sha256:archived", "action": "keep", "rulePriority": None},
        {"imageDigest": "sha256:prod", "action": "keep", "rulePriority": None},  # protected
    ]
    assert result.stderr.splitlines()[0] == (
        "app: image sha256:pulled tagged v2 (deployed) would be expired by rule 3 (Keep the newest 1 images)"
    )


def test_an_aws_answer_that_is_not_usable_is_named(stubbed):
    stubbed.add_response(
        "describe_images",
        {"imageDetails": [{"imageDigest": "sha256:x", "imageTags": ["v1"]}]},
        {"repositoryName": "app", "registryId": ACCOUNT_ID, "filter": {"imageStatus": "ANY"}},
    )
    result = preview()
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "AWS ecr:DescribeImages app: imageDetails[0].imagePushedAt: is missing: every image has its push "
        "time, a time (ISO 8601 such as 2025-05-01T12:00:00Z, or epoch seconds)",
        "ecrgen: 1 problem(s) found.",
    ]


def test_no_credentials_is_one_clear_line(here, monkeypatch):
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    result = preview()
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "AWS ecr:DescribeImages: no credentials found (environment variables, AWS_PROFILE and the shared "
        "config and credentials files, SSO, container or instance role); configure credentials for the "
        "account to read",
        "ecrgen: 1 problem(s) found.",
    ]
    assert "Traceback" not in result.output
