"""Configurations that each file alone would accept and AWS or Terraform would reject at apply: every
class is a `validate` error with the rule, or output that applies."""

import pytest
from conftest import minimal

from ecrgen.config.load import load_accounts
from ecrgen.errors import EcrgenError
from ecrgen.rules import arns, lifecycle, policy_documents, terraform

REPO = '[[repository]]\nname = "app"\n'


def problems(folder, names=None) -> list[str]:
    with pytest.raises(EcrgenError) as caught:
        load_accounts(folder, names)
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize(
    "extra, expected",
    [
        # KMS: an alias ARN cannot be looked up by data.aws_kms_alias; ECR needs a key of its own region.
        (
            REPO + 'kms_key = "arn:aws:kms:us-east-1:123456789012:alias/ecr"\n',
            "repository[0].kms_key: 'arn:aws:kms:us-east-1:123456789012:alias/ecr' is an alias ARN, which data.aws_kms_alias cannot look up; "
            "write 'alias/ecr' (an alias of this account and region) or the key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID)",
        ),
        (
            REPO + 'kms_key = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab"\n',
            "repository[0].kms_key: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab' is a key in region 'eu-west-1'; ECR needs a KMS key in the repository's region 'us-east-1'",
        ),
        (
            REPO + 'kms_key = "arn:aws-cn:kms:us-east-1:123456789012:key/1234abcd-12ab"\n',
            "repository[0].kms_key: 'arn:aws-cn:kms:us-east-1:123456789012:key/1234abcd-12ab' is in another partition than region 'us-east-1' (ARNs there start with 'arn:aws:')",
        ),
        (
            REPO + 'kms_key = "alias/aws/s3"\n',
            "repository[0].kms_key: 'alias/aws/s3' is an AWS managed key of another service, which ECR cannot use; use 'alias/aws/ecr' or a key of your own",
        ),
        # Principal ARNs: no wildcard inside an ARN, no session ARNs, nothing but root, user/ and role/.
        (
            REPO + 'push_principals = ["arn:aws:iam::123456789012:role/ci-*"]\n',
            "repository[0].push_principals[0]: 'arn:aws:iam::123456789012:role/ci-*' has a wildcard: IAM accepts '*' only as the whole principal, never inside an ARN; name the principal exactly",
        ),
        (
            REPO + 'push_principals = ["*"]\n',
            "repository[0].push_principals[0]: '*' is everybody, which this list may not name: name each principal, as an IAM "
            "principal ARN (arn:aws:iam::123456789012:role/NAME, ...:user/NAME or ...:root)",
        ),
        (
            REPO + 'push_principals = ["arn:aws:sts::123456789012:assumed-role/ci/run-42"]\n',
            "repository[0].push_principals[0]: 'arn:aws:sts::123456789012:assumed-role/ci/run-42' is an assumed-role session ARN, not a durable principal; name the role: 'arn:aws:iam::123456789012:role/ci'",
        ),
        (
            REPO + 'push_principals = ["arn:aws:iam::123456789012:group/devs"]\n',
            "repository[0].push_principals[0]: 'arn:aws:iam::123456789012:group/devs' is not an IAM principal ARN (arn:aws:iam::123456789012:role/NAME, ...:user/NAME or ...:root)",
        ),
        (
            REPO
            + 'push_principals = ["arn:aws:iam::123456789012:role/ci", "arn:aws:iam::123456789012:role/ci"]\n',
            "repository[0].push_principals: has duplicates: 'arn:aws:iam::123456789012:role/ci'",
        ),
        (
            REPO + 'pull_account_ids = ["210987654321", "210987654321"]\n',
            "repository[0].pull_account_ids: has duplicates: '210987654321'",
        ),
        (
            '[role]\nname = "ci"\ntrusted_principals = ["arn:aws:iam::123456789012:user/*"]\n',
            "role.trusted_principals[0]: 'arn:aws:iam::123456789012:user/*' has a wildcard: IAM accepts '*' only as the whole principal, never inside an ARN; name the principal exactly",
        ),
        (
            'assume_role_arn = "arn:aws-us-gov:iam::123456789012:role/terraform"\n',
            "account.assume_role_arn: 'arn:aws-us-gov:iam::123456789012:role/terraform' is in another partition than region 'us-east-1' (ARNs there start with 'arn:aws:')",
        ),
        (
            'assume_role_arn = "arn:aws:iam::999999999999:role/terraform"\n',
            "account.assume_role_arn: 'arn:aws:iam::999999999999:role/terraform' is a role in account 999999999999; the provider allows only account 123456789012 "
            "(allowed_account_ids), so Terraform would stop at plan: assume a role in this account",
        ),
        (
            '[tags]\nproject = "x"\n[role]\nname = "ci"\ntrusted_services = ["ecs-tasks.amazonaws.com"]\n',
            "tags.project: 'project' differs from the tag 'Project' only in case; IAM treats the role's tag keys case-insensitively and rejects both: use 'Project'",
        ),
        (
            '[tags]\nTeam = "a"\nteam = "b"\n[role]\nname = "ci"\ntrusted_services = ["ecs-tasks.amazonaws.com"]\n',
            "tags.team: 'team' differs from the tag 'Team' only in case; IAM treats the role's tag keys case-insensitively and rejects both: use 'Team'",
        ),
        # Backend and version strings.
        (
            '[backend]\ntype = "s3"\nbucket = "state-bucket"\nkey = "/ecr/a.tfstate"\n',
            "backend.key: '/ecr/a.tfstate' is not a valid S3 backend key (1-1024 chars, not starting or ending with '/', no '//')",
        ),
        (
            '[backend]\ntype = "s3"\nbucket = "state-bucket"\nkey = "ecr//a.tfstate"\n',
            "backend.key: 'ecr//a.tfstate' is not a valid S3 backend key (1-1024 chars, not starting or ending with '/', no '//')",
        ),
        (
            '[backend]\ntype = "s3"\nbucket = "state-bucket"\nkey = "ecr/"\n',
            "backend.key: 'ecr/' is not a valid S3 backend key (1-1024 chars, not starting or ending with '/', no '//')",
        ),
        (
            '[backend]\ntype = "s3"\nbucket = "state-bucket"\nuse_lockfile = false\ndynamodb_table = "tf"\n',
            "backend.dynamodb_table: 'tf' is not a valid DynamoDB table name (3-255 chars: letters, digits, _ . -)",
        ),
        (
            '[backend]\ntype = "s3"\nbucket = "state..bucket"\n',
            "backend.bucket: 'state..bucket' is not a valid S3 bucket name (3-63 chars: lowercase letters, digits, . and -; starting and ending with a letter or digit; no '..', no IP address, no reserved prefix or suffix)",
        ),
        (
            '[backend]\ntype = "s3"\nbucket = "state-s3alias"\n',
            "backend.bucket: 'state-s3alias' is not a valid S3 bucket name (3-63 chars: lowercase letters, digits, . and -; starting and ending with a letter or digit; no '..', no IP address, no reserved prefix or suffix)",
        ),
        (
            'terraform_version = "1.5+"\n',
            "account.terraform_version: '1.5+' is not a Terraform version constraint (comma-separated '[operator] version' terms such as '>= 1.5.0, < 2.0.0'; operators = != > >= < <= ~>)",
        ),
        (
            'terraform_version = "~> 1.9.0"\n[backend]\ntype = "s3"\nbucket = "state-bucket"\n',
            "account.terraform_version: '~> 1.9.0' admits no Terraform version from 1.10.0, which the S3 backend's use_lockfile needs; allow >= 1.10.0, or set use_lockfile = false with dynamodb_table",
        ),
        # Tags: Project and Environment are tag values too.
        (
            '[tags]\nTeam = "a<b>"\n',
            "tags.Team: 'a<b>' is not a valid tag value (0-256 chars: letters, digits, spaces and _ . : / = + - @)",
        ),
        (
            '[tags]\n"Cost Centre!" = "1"\n',
            "tags.\"Cost Centre!\": 'Cost Centre!' is not a valid tag key (1-128 chars: letters, digits, spaces and _ . : / = + - @; not starting with 'aws:')",
        ),
        # name_format: a format spec would cut or quote names.
        (
            'name_format = "{name:.3}"\n',
            "account.name_format: '{name:.3}' is not allowed: format specs, conversions and indexing ('{name:.3}', '{name!r}', '{name[0]}') are not supported; use plain {project}, {environment} and {name}",
        ),
        (
            'name_format = "{project}-{name!r}"\n',
            "account.name_format: '{project}-{name!r}' is not allowed: format specs, conversions and indexing ('{name:.3}', '{name!r}', '{name[0]}') are not supported; use plain {project}, {environment} and {name}",
        ),
        (
            'name_format = "{name[0]}"\n',
            "account.name_format: '{name[0]}' is not allowed: format specs, conversions and indexing ('{name:.3}', '{name!r}', '{name[0]}') are not supported; use plain {project}, {environment} and {name}",
        ),
        (
            'name_format = "{name.upper}"\n',
            "account.name_format: '{name.upper}' is not allowed: format specs, conversions and indexing ('{name:.3}', '{name!r}', '{name[0]}') are not supported; use plain {project}, {environment} and {name}",
        ),
        # The default lifecycle policy passes the checks custom rules pass.
        (
            REPO + 'lifecycle = { protected_tags = ["v*", "v*"] }\n',
            "repository[0].lifecycle.protected_tags: has duplicates: 'v*' (each pattern becomes one lifecycle rule, and ECR rejects two rules selecting the same images)",
        ),
    ],
)
def test_apply_time_failures_are_validate_errors(accounts, extra, expected):
    assert problems(accounts(a=minimal("dev", extra))) == [f"accounts/a.toml: {expected}"]


def test_long_values_for_tags_and_names(accounts):
    folder = accounts(a=minimal("dev").replace('project = "demo"', f'project = "{"p" * 257}"'))
    assert problems(folder) == [
        f"accounts/a.toml: account.project: '{'p' * 76}... is not a valid tag value (0-256 chars: letters, digits, spaces and _ . : / = + - @)"
    ]
    long_name = "a" * 47
    folder = accounts(**{long_name: minimal("dev", '[alerts]\nsqs_queue_name = "q"\n')})
    assert problems(folder, [long_name]) == [
        f"accounts/{long_name}.toml: alerts: the account name gives the EventBridge rule name '{long_name}-ecr-scan-findings' (65 chars); "
        "EventBridge allows 64: shorten the account file's name to at most 46 characters, or name the rule with rule_name"
    ]


def test_default_policy_text_length_is_checked(accounts):
    tags = ", ".join(f'"{"t" * 120}{i:03d}*"' for i in range(120))
    folder = accounts(a=minimal("dev", REPO + f"lifecycle = {{ protected_tags = [{tags}] }}\n"))
    (line,) = problems(folder)
    assert line.startswith(
        "accounts/a.toml: repository[0].lifecycle: the default policy these settings give is not accepted by ECR: the policy text is "
    )
    assert line.endswith(" characters; ECR allows 100 to 30,720")
    assert lifecycle.default_policy(30, 7, ("v*",))[1] == ()


@pytest.mark.parametrize(
    "constraint, lockfile, emitted",
    [
        (">= 1.5.0", True, ">= 1.5.0, >= 1.10.0"),
        (">= 1.5.0", False, ">= 1.5.0"),
        (">= 1.10", True, ">= 1.10"),
        ("~> 1.11", True, "~> 1.11"),
        ("= 1.12.1", True, "= 1.12.1"),
        ("> 1.10.0", True, "> 1.10.0"),
        (">= 1.5, < 2.0", True, ">= 1.5, < 2.0, >= 1.10.0"),
        ("~> 1.5", True, "~> 1.5, >= 1.10.0"),
        ("1.11.0", True, "1.11.0"),
    ],
)
def test_required_version_says_use_lockfile_needs_terraform_1_10(constraint, lockfile, emitted):
    assert terraform.required_version(constraint, (terraform.LOCKFILE,) if lockfile else ()) == (emitted, [])


@pytest.mark.parametrize("constraint", ["< 1.10", "<= 1.9.9", "~> 1.5.0", "= 1.9.0"])
def test_constraints_that_exclude_terraform_1_10_with_use_lockfile(constraint):
    emitted, found = terraform.required_version(constraint, (terraform.LOCKFILE,))
    assert emitted == constraint
    assert found == [
        (
            "",
            f"{constraint!r} admits no Terraform version from 1.10.0, which the S3 backend's use_lockfile "
            "needs; allow >= 1.10.0, or set use_lockfile = false with dynamodb_table",
        )
    ]


@pytest.mark.parametrize(
    "constraint, emitted",
    [
        (">= 1.5.0", ">= 1.5.0, >= 1.10.0"),  # the newest floor alone
        (">= 1.8", ">= 1.8, >= 1.10.0"),
        (">= 1.11", ">= 1.11"),
    ],
)
def test_required_version_takes_the_newest_floor_of_the_features_in_use(constraint, emitted):
    needs = (terraform.IMPORT, terraform.REMOVED, terraform.LOCKFILE)
    assert terraform.required_version(constraint, needs) == (emitted, [])
    assert terraform.required_version(">= 1.3", (terraform.IMPORT, terraform.REMOVED)) == (
        ">= 1.3, >= 1.7.0",
        [],
    )


@pytest.mark.parametrize(
    "constraint", ["", "latest", ">=", ">= 1.x", "1.5.0 || 2.0", "=> 1.5", ">= 1.5.0,", "^1.5"]
)
def test_not_version_constraints(constraint):
    assert terraform.check_constraint(constraint) != []


def test_s3_backend_emits_required_version_with_lockfile_floor(accounts):
    (account,) = load_accounts(
        accounts(a=minimal("dev", '[backend]\ntype = "s3"\nbucket = "state-bucket"\n'))
    )
    assert account.terraform_version == ">= 1.5.0, >= 1.10.0"
    (account,) = load_accounts(accounts(a=minimal("dev")))
    assert account.terraform_version == ">= 1.5.0"


def test_the_aws_managed_ecr_key_is_used_without_a_lookup(accounts):
    (account,) = load_accounts(accounts(a=minimal("dev", REPO + 'kms_key = "alias/aws/ecr"\n')))
    assert (account.repositories[0].encryption, account.repositories[0].kms_key) == ("KMS", None)


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:iam::123456789012:root",
        "arn:aws:iam::123456789012:role/ci",
        "arn:aws:iam::123456789012:role/service-role/ci.runner@x",
        "arn:aws:iam::123456789012:user/dev/alice",
    ],
)
def test_durable_principals(arn):
    assert arns.principal(arn, "us-east-1") == []


def _many(count: int, name_format: str) -> str:
    repos = "".join(f'[[repository]]\nname = "service-number-{i:03d}"\n' for i in range(count))
    return minimal(
        "dev",
        f'name_format = "{name_format}"\n'
        + repos
        + '[role]\nname = "ci"\ntrusted_services = ["ecs-tasks.amazonaws.com"]\n',
    )


def test_role_policy_over_iam_limit_is_scoped_by_the_name_prefix(accounts):
    (few,) = load_accounts(accounts(a=_many(10, "{project}/{name}")))
    assert few.role.repository_prefix is None
    (many,) = load_accounts(accounts(a=_many(150, "{project}/{name}")))
    assert many.role.repository_prefix == "demo/"
    arns = [f"arn:aws:ecr:us-east-1:123456789012:repository/{r.ecr_name}" for r in many.repositories]
    assert len(policy_documents.text(policy_documents.role_policy("push", arns))) > 10_240
    assert (
        len(
            policy_documents.text(
                policy_documents.role_policy("push", ["arn:aws:ecr:us-east-1:123456789012:repository/demo/*"])
            )
        )
        < 10_240
    )


def test_role_policy_over_iam_limit_without_a_prefix_is_an_error(accounts):
    (line,) = problems(accounts(a=_many(150, "{name}")))
    assert line.startswith("accounts/a.toml: role: its inline policy would be ")
    assert line.endswith(
        " characters with 150 repository ARNs; IAM allows 10240 for a role's inline policies: give name_format a prefix "
        "before {name} (e.g. '{project}/{name}') so ecrgen can grant on that prefix instead"
    )


@pytest.mark.parametrize(
    "name_format, prefix",
    [("{project}{name}", "demo"), ("{project}/x{name}", "demo/x"), ("{environment}{name}", "dev")],
)
def test_role_policy_prefix_without_a_separator_is_an_error(accounts, name_format, prefix):
    (line,) = problems(accounts(a=_many(150, name_format)))
    assert line.startswith("accounts/a.toml: role: its inline policy would be ")
    assert line.endswith(
        f" characters with 150 repository ARNs; IAM allows 10240 for a role's inline policies, and the name prefix {prefix!r} "
        "that name_format gives does not end in a separator (/ - _ .), so granting on "
        f"'repository/{prefix}*' would also cover other repositories whose names start with {prefix!r}: "
        "put a separator after the prefix in name_format (e.g. '{project}/{name}')"
    )


@pytest.mark.parametrize(
    "name_format, prefix", [("{project}-{name}", "demo-"), ("{project}.{environment}_{name}", "demo.dev_")]
)
def test_role_policy_prefix_ending_in_a_separator(accounts, name_format, prefix):
    (many,) = load_accounts(accounts(a=_many(150, name_format)))
    assert many.role.repository_prefix == prefix


def test_trust_policy_size(accounts):
    repos = ", ".join(f'"acme/service-{i:03d}:ref:refs/heads/main"' for i in range(40))
    (account,) = load_accounts(
        accounts(a=minimal("dev", f'[role]\nname = "ci"\ngithub_repositories = [{repos}]\n'))
    )
    (warning,) = account.warnings
    assert warning.path == "role" and "apply fails unless the quota was raised" in warning.message
    repos = ", ".join(f'"acme/service-{i:03d}:ref:refs/heads/main"' for i in range(100))
    (line,) = problems(accounts(a=minimal("dev", f'[role]\nname = "ci"\ngithub_repositories = [{repos}]\n')))
    assert "its trust policy would be" in line and "IAM allows at most 4096" in line


CLASH = """
    [[repository]]
    name = "app"
    [role]
    name = "ci"
    trusted_services = ["ecs-tasks.amazonaws.com"]
    [alerts]
    sqs_queue_name = "findings"
    create_queue = true
    cloudwatch_log_group = "/aws/events/findings"
    [scanning]
    type = "BASIC"
    """


def test_two_files_for_one_account_and_region_clash(accounts):
    folder = accounts(
        a=minimal("dev", CLASH),
        b=minimal("dev", CLASH + '[[repository]]\nname = "other"\n'),
        c=minimal("dev", CLASH).replace("us-east-1", "eu-west-1").replace('name = "ci"', 'name = "CI"'),
    )
    assert problems(folder) == [
        "accounts/b.toml: repository[0].name: the ECR repository 'app' of account 123456789012 in us-east-1 is also made by accounts/a.toml (repository[0].name); a registry holds one repository of a name; to move it between these files, drop it from the file whose stack manages it and list it there in account.retired (Terraform forgets it, AWS keeps it and its images), and set adopt = true on it in the other",
        "accounts/b.toml: scanning: the registry scanning configuration of account 123456789012 in us-east-1 is also made by accounts/a.toml (scanning); there is one per account and region, and two stacks would overwrite each other",
        "accounts/b.toml: role.name: the IAM role 'ci' of account 123456789012 is also made by accounts/a.toml (role.name); role names are unique in an AWS account, whatever their case",
        "accounts/b.toml: alerts.sqs_queue_name: the SQS queue 'findings' of account 123456789012 in us-east-1 is also made by accounts/a.toml (alerts.sqs_queue_name); queue names are unique per account and region",
        "accounts/b.toml: alerts.cloudwatch_log_group: the log group '/aws/events/findings' of account 123456789012 in us-east-1 is also made by accounts/a.toml (alerts.cloudwatch_log_group); log group names are unique per account and region",
        # IAM is global: the role clashes across regions too; the rest is per region.
        "accounts/c.toml: role.name: the IAM role 'CI' of account 123456789012 is also made by accounts/a.toml (role.name); role names are unique in an AWS account, whatever their case",
    ]


def test_two_files_sharing_one_terraform_state_clash(accounts):
    backend = '[backend]\ntype = "s3"\nbucket = "state-bucket"\nkey = "ecr/shared.tfstate"\n'
    folder = accounts(
        a=minimal("dev", backend), b=minimal("dev", backend).replace("123456789012", "210987654321")
    )
    assert problems(folder) == [
        "accounts/b.toml: backend.key: the Terraform state s3://state-bucket/ecr/shared.tfstate is also used by accounts/a.toml (backend.key); "
        "two stacks sharing one state would each plan to destroy the other's resources"
    ]


def test_other_accounts_do_not_clash(accounts):
    folder = accounts(
        a=minimal("dev", CLASH), b=minimal("dev", CLASH).replace("123456789012", "210987654321")
    )
    assert len(load_accounts(folder)) == 2


def test_more_log_resource_policies_than_cloudwatch_allows(accounts):
    files = {
        f"a{i:02d}": minimal(
            "dev", f'[alerts]\nsqs_queue_name = "q"\ncloudwatch_log_group = "/aws/events/f{i}"\n'
        )
        for i in range(11)
    }
    assert problems(accounts(**files)) == [
        "accounts/a10.toml: alerts.cloudwatch_log_group: 11 account files deliver findings to CloudWatch Logs in account 123456789012 and us-east-1, "
        "each with a log resource policy; CloudWatch Logs allows 10 per account and region ("
        + ", ".join(f"accounts/a{i:02d}.toml" for i in range(11))
        + ")"
    ]


def test_tag_keys_differing_in_case_are_fine_without_a_role(accounts):
    (account,) = load_accounts(accounts(a=minimal("dev", '[tags]\nproject = "x"\n')))
    assert account.default_tags()["project"] == "x"
