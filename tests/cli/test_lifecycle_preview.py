"""`ecrgen lifecycle-preview` through Typer's CliRunner: the human report, the JSON of the contract, the
`--deployed` guard, and every problem of a bad image file or argument (exit 1 or 2, never a traceback)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import minimal
from typer.testing import CliRunner

from ecrgen.cli import app

AT = "2025-06-01T00:00:00Z"
REPOSITORIES = """
[[repository]]
name = "app"
[repository.lifecycle]
max_image_count = 2
untagged_image_days = 7
protected_tags = ["prod-*"]

[[repository]]
name = "archiver"
lifecycle = { rules = [
  { rulePriority = 1, description = "Expire archived releases after 90 days", selection = { tagStatus = "tagged", tagPrefixList = ["v"], storageClass = "archive", countType = "sinceImageTransitioned", countUnit = "days", countNumber = 90 }, action = { type = "expire" } },
  { rulePriority = 2, description = "Archive what nobody pulled for 30 days", selection = { tagStatus = "any", countType = "sinceImagePulled", countUnit = "days", countNumber = 30 }, action = { type = "transition", targetStorageClass = "archive" } },
] }

[[repository]]
name = "off"
lifecycle = false
"""
APP_IMAGES = {
    "imageDetails": [
        {
            "imageDigest": "sha256:" + "1" * 64,
            "imageTags": ["prod-7", "v7"],
            "imagePushedAt": "2025-01-01T00:00:00+00:00",
        },
        {"imageDigest": "sha256:" + "2" * 64, "imageTags": ["v8"], "imagePushedAt": "2025-03-01T00:00:00Z"},
        {"imageDigest": "sha256:" + "3" * 64, "imagePushedAt": 1747699200},  # 2025-05-20, untagged
        {"imageDigest": "sha256:" + "4" * 64, "imageTags": ["v9"], "imagePushedAt": "2025-05-25T00:00:00Z"},
        {"imageDigest": "sha256:" + "5" * 64, "imageTags": ["v10"], "imagePushedAt": "2025-05-30T00:00:00Z"},
        {"imageDigest": "sha256:" + "6" * 64, "imagePushedAt": "2025-05-31T00:00:00Z"},
    ]
}
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, ["lifecycle-preview", *args])


@pytest.fixture
def folder(accounts):
    return accounts(prod=minimal("production", REPOSITORIES))


def images_file(tmp_path, data, name="images.json") -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return str(path)


def test_the_report_lists_per_rule_what_it_expires_then_a_summary(folder, tmp_path):
    result = run("prod", "app", "--images", images_file(tmp_path, APP_IMAGES), "--at", AT)
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "app (app): 6 image(s) at 2025-06-01T00:00:00Z",
        "rule 1 (Keep images tagged prod-*): expires 0 image(s)",
        "rule 2 (Expire untagged images older than 7 days): expires 1 image(s)",
        "  expire sha256:333333333333 [<untagged>] pushed 12d ago (rule 2)",
        "rule 3 (Keep the newest 2 images): expires 2 image(s)",
        "  expire sha256:222222222222 [v8] pushed 92d ago (rule 3)",
        "  expire sha256:444444444444 [v9] pushed 7d ago (rule 3)",
        "summary: 3 expired, 0 transitioned, 3 kept of 6 image(s)",
    ]


def test_json_prints_every_image_once_in_the_contracts_shape(folder, tmp_path):
    result = run("prod", "app", "--images", images_file(tmp_path, APP_IMAGES), "--at", AT, "--json")
    assert result.exit_code == 0
    digest = "sha256:{}".format
    assert json.loads(result.stdout) == {
        "repository": "app",
        "images": [
            {"imageDigest": digest("1" * 64), "action": "keep", "rulePriority": None},
            {"imageDigest": digest("2" * 64), "action": "expire", "rulePriority": 3},
            {"imageDigest": digest("3" * 64), "action": "expire", "rulePriority": 2},
            {"imageDigest": digest("4" * 64), "action": "expire", "rulePriority": 3},
            {"imageDigest": digest("5" * 64), "action": "keep", "rulePriority": None},
            {"imageDigest": digest("6" * 64), "action": "keep", "rulePriority": None},
        ],
    }


def test_deployed_tags_exit_1_naming_the_image_and_the_rule(folder, tmp_path):
    file = images_file(tmp_path, APP_IMAGES)
    result = run("prod", "app", "--images", file, "--at", AT, "--deployed", "v9", "--deployed", "prod-7")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "app: image sha256:4444444444444444444444444444444444444444444444444444444444444444 tagged v9 "
        "(deployed) would be expired by rule 3 (Keep the newest 2 images)",
        "ecrgen: 1 problem(s) found.",
    ]
    assert "summary: 3 expired" in result.stdout  # the report is printed too
    kept = run("prod", "app", "--images", file, "--at", AT, "--deployed", "prod-7", "--deployed", "v10")
    assert (kept.exit_code, kept.stderr) == (0, "")


def test_transitions_pull_times_and_archived_images(folder, tmp_path):
    images = {
        "imageDetails": [
            {
                "imageDigest": "sha256:aaaa00000000",
                "imageTags": ["v1"],
                "imagePushedAt": "2024-01-01T00:00:00Z",
                "imageStatus": "ARCHIVED",
                "lastArchivedAt": "2025-01-01T00:00:00Z",
            },
            {
                "imageDigest": "sha256:bbbb00000000",
                "imageTags": ["v2"],
                "imagePushedAt": "2025-01-01T00:00:00Z",
                "lastRecordedPullTime": "2025-04-01T00:00:00Z",
            },
            {
                "imageDigest": "sha256:cccc00000000",
                "imageTags": ["v3"],
                "imagePushedAt": "2025-01-01T00:00:00Z",
                "lastRecordedPullTime": "2025-05-30T00:00:00Z",
            },
        ]
    }
    file = images_file(tmp_path, images)
    result = run("prod", "archiver", "--images", file, "--at", AT, "--deployed", "v2")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "archiver (archiver): 3 image(s) at 2025-06-01T00:00:00Z",
        "rule 1 (Expire archived releases after 90 days): expires 1 image(s)",
        "  expire sha256:aaaa00000000 [v1] pushed 517d ago, archived (rule 1)",
        "rule 2 (Archive what nobody pulled for 30 days): transitions 1 image(s)",
        "  transition sha256:bbbb00000000 [v2] pushed 151d ago, pulled 61d ago (rule 2)",
        "summary: 1 expired, 1 transitioned, 1 kept of 3 image(s)",
    ]
    assert result.stderr.splitlines()[0] == (
        "archiver: image sha256:bbbb00000000 tagged v2 (deployed) would be transitioned to the archive by "
        "rule 2 (Archive what nobody pulled for 30 days)"
    )


def test_a_repository_without_a_lifecycle_policy_keeps_everything(folder, tmp_path):
    result = run("prod", "off", "--images", images_file(tmp_path, APP_IMAGES), "--at", AT, "--deployed", "v8")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "off (off): 6 image(s) at 2025-06-01T00:00:00Z",
        "no lifecycle policy (lifecycle = false): ECR expires and transitions nothing",
        "summary: 0 expired, 0 transitioned, 6 kept of 6 image(s)",
    ]


def test_the_default_time_is_now(folder, tmp_path):
    old = {"imageDetails": [{"imageDigest": "sha256:0", "imagePushedAt": "2000-01-01T00:00:00Z"}]}
    result = run("prod", "app", "--images", images_file(tmp_path, old), "--json")
    assert json.loads(result.stdout)["images"] == [
        {"imageDigest": "sha256:0", "action": "expire", "rulePriority": 2}
    ]


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        (
            "",
            [
                'images.json: is empty; expected the JSON that `aws ecr describe-images --repository-name R` prints: {"imageDetails": [...]}'
            ],
        ),
        # the CLI puts the line of the parser's message beside the file, as for an account file
        ('{"imageDetails": [', ["images.json:1: is not JSON (line 1, column 19: Expecting value)"]),
        (
            '[{"imageDigest": "sha256:0"}]',
            [
                'images.json: has no imageDetails list; expected the JSON that `aws ecr describe-images --repository-name R` prints: {"imageDetails": [...]}'
            ],
        ),
        (
            '{"imageDetails": []}',
            ["images.json: imageDetails: lists no image (an empty repository has nothing to preview)"],
        ),
        (
            json.dumps(
                {
                    "imageDetails": [
                        "sha256:0",
                        {"imageTags": "v1", "imagePushedAt": "yesterday"},
                        {"imageDigest": "sha256:2", "imagePushedAt": 1, "lastRecordedPullTime": [1]},
                        {"imageDigest": "sha256:2", "imagePushedAt": 2, "imageStatus": "GONE"},
                        {"imageDigest": "sha256:3", "imagePushedAt": 3, "imageTags": ["v1", ""]},
                    ]
                }
            ),
            [
                "images.json: imageDetails[0]: 'sha256:0' must be an object with imageDigest and imagePushedAt",
                "images.json: imageDetails[1].imageDigest: is missing: every image has its digest (sha256:...)",
                "images.json: imageDetails[1].imageTags: 'v1' must be a list of tags (absent when untagged)",
                "images.json: imageDetails[1].imagePushedAt: 'yesterday' is not a time (ISO 8601 such as 2025-05-01T12:00:00Z, or epoch seconds)",
                "images.json: imageDetails[2].lastRecordedPullTime: [1] is not a time (ISO 8601 such as 2025-05-01T12:00:00Z, or epoch seconds)",
                "images.json: imageDetails[3].imageStatus: 'GONE' is not allowed (allowed: ACTIVE, ARCHIVED, ACTIVATING)",
                "images.json: imageDetails[4].imageTags: ['v1', ''] must be a list of tags (absent when untagged)",
            ],
        ),
        (
            json.dumps({"imageDetails": [{"imageDigest": "sha256:2", "imagePushedAt": n} for n in (1, 2)]}),
            ["images.json: imageDetails[1].imageDigest: 'sha256:2' is listed twice (also imageDetails[0])"],
        ),
    ],
)
def test_a_bad_image_file_exits_1_naming_every_problem(folder, tmp_path, monkeypatch, text, problems):
    images_file(tmp_path, text)
    monkeypatch.chdir(tmp_path)
    result = run("prod", "app", "--images", "images.json", "--accounts-dir", "accounts")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [*problems, f"ecrgen: {len(problems)} problem(s) found."]
    assert "Traceback" not in result.output


def test_a_broken_file_of_many_images_reports_20_problems_and_how_many_more(folder, tmp_path):
    broken = {"imageDetails": [{"imageDigest": f"sha256:{n}"} for n in range(25)]}
    result = run("prod", "app", "--images", images_file(tmp_path, broken))
    lines = result.stderr.splitlines()
    assert (result.exit_code, len(lines)) == (1, 22)
    assert lines[-2:] == [
        f"{tmp_path}/images.json: and 5 more problem(s) of the same kinds",
        "ecrgen: 21 problem(s) found.",
    ]


def test_a_missing_image_file(folder):
    result = run("prod", "app", "--images", "nowhere.json")
    assert (result.exit_code, result.stderr.splitlines()[0]) == (
        1,
        "nowhere.json: cannot be read (No such file or directory)",
    )


def test_an_unknown_repository_names_the_nearest_and_the_known_ones(folder, tmp_path):
    result = run("prod", "ap", "--images", images_file(tmp_path, APP_IMAGES))
    assert (result.exit_code, result.stderr.splitlines()[0]) == (
        1,
        "accounts/prod.toml: 'ap' is not a repository of this account (did you mean 'app'? its "
        "repositories: app, archiver, off)",
    )


def test_a_bad_time_is_a_usage_error(folder, tmp_path):
    """A bad option value is a usage error (exit 2, as the contract says), found before any file is read."""
    result = run("prod", "app", "--images", "missing.json", "--at", "next tuesday")
    assert (result.exit_code, result.stderr.splitlines()[-1]) == (
        2,
        "Error: Invalid value for '--at': 'next tuesday' is not a time in ISO 8601 (such as 2025-05-01T12:00:00Z; "
        "UTC when it has no offset)",
    )


def test_an_invalid_account_is_reported_as_validate_reports_it(accounts, tmp_path):
    accounts(prod=minimal("production", '[[repository]]\nname = "My_App"\n'))
    result = run("prod", "My_App", "--images", images_file(tmp_path, APP_IMAGES))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].startswith(
        "accounts/prod.toml:8: repository[0].name: 'My_App' is not"
    )


@pytest.mark.parametrize("source", [[], ["--images", "x.json", "--from-aws"]])
def test_one_source_of_images_exactly(folder, source):
    result = run("prod", "app", *source)
    assert result.exit_code == 2
    assert "give --images FILE or --from-aws (one of them)" in result.stderr


def test_the_command_imports_no_cdktf(folder, tmp_path):
    """Like validate, the preview never starts the CDKTF engine (nor imports jsii)."""
    file = images_file(tmp_path, APP_IMAGES)
    code = (
        "import sys; from pathlib import Path; from ecrgen import commands; "
        f"commands.lifecycle_preview(Path('accounts'), 'prod', 'app', Path({file!r})); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('cdktf', 'jsii', 'constructs')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=True
    )
    assert done.stdout == "[]\n"


def test_json_is_one_image_per_line(folder, tmp_path):
    one = {"imageDetails": [{"imageDigest": "sha256:0", "imageTags": ["v1"], "imagePushedAt": 0}]}
    result = run("prod", "off", "--images", images_file(tmp_path, one), "--json")
    assert result.stdout == (
        '{\n  "repository": "off",\n  "images": [\n'
        '    {"imageDigest": "sha256:0", "action": "keep", "rulePriority": null}\n  ]\n}\n'
    )


def test_a_deployed_tag_no_image_carries_is_warned_about(folder, tmp_path):
    """A typo in --deployed must not turn the guard green in silence."""
    file = images_file(tmp_path, APP_IMAGES)
    result = run(
        "prod", "app", "--images", file, "--at", AT, "--deployed", "prod-7", "--deployed", "relase-1.4"
    )
    assert (result.exit_code, result.stderr.splitlines()) == (
        0,
        [
            "warning: app: --deployed 'relase-1.4': no image carries this tag, so nothing was checked for it; "
            "is it spelled as the image's tag?"
        ],
    )


def test_a_missing_digest_or_push_time_is_said_to_be_missing(folder, tmp_path):
    file = images_file(
        tmp_path, {"imageDetails": [{"imageTags": ["x"]}, {"imageDigest": 5, "imagePushedAt": 0}]}
    )
    result = run("prod", "app", "--images", file, "--at", AT)
    assert result.exit_code == 1
    assert [line.split(": ", 1)[1] for line in result.stderr.splitlines()[:3]] == [
        "imageDetails[0].imageDigest: is missing: every image has its digest (sha256:...)",
        "imageDetails[0].imagePushedAt: is missing: every image has its push time, a time (ISO 8601 such as "
        "2025-05-01T12:00:00Z, or epoch seconds)",
        "imageDetails[1].imageDigest: 5 must be the image's digest (sha256:...)",
    ]
