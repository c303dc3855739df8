"""Account files -> resolved accounts: defaults, production defaults, and every error at once."""

import json
from pathlib import Path

import pytest
from conftest import EXAMPLES, minimal

from ecrgen.config.load import load_accounts
from ecrgen.errors import EcrgenError


def problems(folder: Path, names=None) -> list[str]:
    with pytest.raises(EcrgenError) as caught:
        load_accounts(folder, names)
    return [str(p) for p in caught.value.problems]


def test_examples_load_with_production_defaults():
    prod, nonprod = load_accounts(EXAMPLES, ["example_account", "example_nonprod"])
    assert prod.production and not nonprod.production
    app = prod.repositories[0]
    assert (app.ecr_name, app.address, app.image_tag_mutability, app.mutable_tags) == (
        "canvas-ta/app",
        "app",
        "IMMUTABLE_WITH_EXCLUSION",
        ("latest",),
    )
    assert all(r.scan_on_push for r in prod.repositories)
    assert [r.prevent_destroy for r in prod.repositories] == [True, True, True, True, False]
    assert [r.policy for r in prod.repositories] == [
        "production",
        "production",
        "production",
        "base_images",
        None,
    ]
    assert [r.image_tag_mutability for r in nonprod.repositories] == ["MUTABLE"] * 3
    assert [r.prevent_destroy for r in nonprod.repositories] == [False] * 3
    assert nonprod.repositories[2].lifecycle_policy is None
    assert prod.backend.key == "ecr/example_account.tfstate" and prod.backend.use_lockfile


def test_prod_is_production_too(accounts):
    (account,) = load_accounts(accounts(a=minimal("prod", '[[repository]]\nname = "app"\n')))
    repo = account.repositories[0]
    assert (repo.image_tag_mutability, repo.prevent_destroy, repo.policy) == ("IMMUTABLE", True, "production")


def test_defaults_apply_and_repositories_override(accounts):
    folder = accounts(
        a=minimal(
            "dev",
            """
        [defaults]
        force_delete = true
        pull_account_ids = ["210987654321"]
        [defaults.lifecycle]
        max_image_count = 10
        [[repository]]
        name = "one"
        [[repository]]
        name = "two"
        force_delete = false
        lifecycle = { untagged_image_days = 3 }
        """,
        )
    )
    one, two = load_accounts(folder)[0].repositories
    assert (one.force_delete, two.force_delete) == (True, False)
    assert one.pull_account_ids == two.pull_account_ids == ("210987654321",)
    counts = [
        [r["selection"]["countNumber"] for r in json.loads(x.lifecycle_policy)["rules"]] for x in (one, two)
    ]
    assert counts == [[7, 10], [3, 10]]  # key by key: the repository keeps the inherited max_image_count


def test_kms_key_alone_means_kms(accounts):
    (account,) = load_accounts(
        accounts(a=minimal("dev", '[[repository]]\nname = "app"\nkms_key = "alias/ecr"\n'))
    )
    assert (account.repositories[0].encryption, account.repositories[0].kms_key) == ("KMS", "alias/ecr")


def test_every_problem_of_every_file_at_once(accounts):
    folder = accounts(
        prod=minimal(
            "production",
            """
            colour = "blue"
            [[repository]]
            name = "ok"
            [[repository]]
            name = "also-ok"
            scan_on_push = "yes"
            [[repository]]
            name = "My_App"
            image_tag_mutability = "SOMETIMES"
            """,
        ).replace('id = "123456789012"', 'id = "12345"'),
        dev=minimal(
            "dev",
            """
            [[repository]]
            name = "app"
            encryption = "KMS"
            [[repository]]
            name = "my.app"
            [[repository]]
            name = "my_app"
            [[repository]]
            name = "app"
            """,
        ),
    )
    assert problems(folder) == [
        "accounts/dev.toml: repository[0].kms_key: is required with encryption 'KMS' (a key ARN, or alias/NAME)",
        "accounts/dev.toml: repository[3].name: 'app' is already used by repository[0]; names must be unique",
        "accounts/dev.toml: repository[2].name: 'my_app' maps to the Terraform address 'my_app' like 'my.app' (repository[1]); rename one",
        "accounts/prod.toml: account.colour: unknown key (allowed: id, region, environment, production, project, name_format, assume_role_arn, terraform_version, retired, allow_destroy)",
        "accounts/prod.toml: repository[1].scan_on_push: 'yes' must be true or false",
        "accounts/prod.toml: repository[2].image_tag_mutability: 'SOMETIMES' is not allowed (allowed: 'MUTABLE', 'IMMUTABLE', 'IMMUTABLE_WITH_EXCLUSION' or 'MUTABLE_WITH_EXCLUSION')",
        "accounts/prod.toml: account.id: '12345' is not an AWS account id (12 digits)",
        "accounts/prod.toml: repository[2].name: 'My_App' is not a valid ECR repository name (2-256 chars: lowercase letters, digits, and . _ - / separators)",
    ]


@pytest.mark.parametrize(
    "extra, expected",
    [
        (
            '[[repository]]\nname = "app"\nmutable_tags = ["a", "b", "c", "d", "e", "f"]\n',
            "repository[0].mutable_tags: has 6 filters; ECR allows at most 5 exclusion filters",
        ),
        (
            '[[repository]]\nname = "app"\nimage_tag_mutability = "MUTABLE"\nmutable_tags = ["latest"]\n',
            "repository[0].mutable_tags: is not allowed with image_tag_mutability 'MUTABLE' (every tag is mutable already); use IMMUTABLE with mutable_tags",
        ),
        (
            '[[repository]]\nname = "app"\nencryption = "AES256"\nkms_key = "alias/x"\n',
            "repository[0].kms_key: is not allowed with encryption 'AES256'; set encryption = 'KMS' or remove kms_key",
        ),
        (
            '[[repository]]\nname = "app"\nkms_key = "1234abcd"\n',
            "repository[0].kms_key: '1234abcd' is not a KMS key ARN or alias (arn:aws:kms:REGION:ACCOUNT:key/ID, alias/NAME)",
        ),
        (
            '[[repository]]\nname = "app"\npull_account_ids = ["1234"]\n',
            "repository[0].pull_account_ids[0]: '1234' is not an AWS account id (12 digits)",
        ),
        (
            '[[repository]]\nname = "app"\norg_id = "org-1"\n',
            "repository[0].org_id: 'org-1' is not an AWS Organizations id (o- and 10-32 lowercase letters or digits)",
        ),
        (
            '[[repository]]\nname = "app"\nlifecycle = { max_image_count = 0 }\n',
            "repository[0].lifecycle.max_image_count: 0 must be an integer greater than 0",
        ),
        (
            '[[repository]]\nname = "app"\nlifecycle = { protected_tags = ["a*b*c*d*e*"] }\n',
            "repository[0].lifecycle.protected_tags[0]: 'a*b*c*d*e*' is not a tag pattern (1-128 chars: letters, digits, . _ - and at most 4 * wildcards)",
        ),
        (
            '[[repository]]\nname = "app"\nlifecycle = { max_image_count = 5, rules = [{ rulePriority = 1, selection = { tagStatus = "any", countType = "imageCountMoreThan", countNumber = 9 }, action = { type = "expire" } }] }\n',
            "repository[0].lifecycle.rules: replaces the default policy, so max_image_count would be ignored; keep one or the other",
        ),
        (
            '[[repository]]\nname = "app"\npolicy = "../etc"\n',
            "repository[0].policy: '../etc' is not a template name (letters, digits, _ and -; or 'none')",
        ),
        (
            '[[repository]]\nname = "app"\nlifecycle = "often"\n',
            "repository[0].lifecycle: 'often' must be a table, or true or false",
        ),
        ('[defaults]\nlifecycle = "off"\n', "defaults.lifecycle: 'off' must be a table, or true or false"),
        ('[backend]\ntype = "s3"\n', "backend.bucket: is required with type 's3'"),
        (
            '[backend]\npath = "/var/state/terraform.tfstate"\n',
            "backend.path: '/var/state/terraform.tfstate' must be a relative path (output must not depend on the machine)",
        ),
        ('[backend]\nbucket = "b"\n', "backend.bucket: is only allowed with type 's3'"),
        ('[backend]\ntype = "gcs"\n', "backend.type: 'gcs' is not allowed (allowed: 'local' or 's3')"),
        (
            '[tags]\n"aws:owner" = "x"\n',
            "tags.\"aws:owner\": 'aws:owner' is not a valid tag key (1-128 chars: letters, digits, spaces and _ . : / = + - @; not starting with 'aws:')",
        ),
        (
            '[role]\nname = "ci"\n',
            "role: needs github_repositories, trusted_principals or trusted_services: nobody could assume it",
        ),
        (
            '[role]\nname = "ci role"\ngithub_repositories = ["acme/app"]\n',
            "role.name: 'ci role' is not a valid IAM role name (1-64 chars: letters, digits, + = , . @ _ -)",
        ),
        (
            '[alerts]\nsqs_queue_name = "q"\nseverities = ["SEVERE"]\n',
            "alerts.severities[0]: 'SEVERE' is not allowed (allowed: INFORMATIONAL, LOW, MEDIUM, HIGH, CRITICAL, UNDEFINED)",
        ),
        (
            '[alerts]\nsqs_queue_name = "q"\ncloudwatch_log_group = "/ecr/findings"\n',
            "alerts.cloudwatch_log_group: '/ecr/findings' is not allowed: EventBridge delivers only to log groups named /aws/events/... (letters, digits, . - _ / #)",
        ),
        (
            '[role]\nname = "ci"\ntrusted_principals = ["arn:aws-cn:iam::123456789012:root"]\n',
            "role.trusted_principals[0]: 'arn:aws-cn:iam::123456789012:root' is in another partition than region 'us-east-1' (ARNs there start with 'arn:aws:')",
        ),
        (
            "[scanning]\ncontinuous = true\n",
            "scanning.continuous: true is not allowed with type 'BASIC': basic scanning supports SCAN_ON_PUSH only (use type 'ENHANCED')",
        ),
        (
            '[repository]\nname = "app"\n',
            "repository: is a single table; use [[repository]] (double brackets) for each repository",
        ),
    ],
)
def test_single_problems(accounts, extra, expected):
    assert problems(accounts(a=minimal("dev", extra))) == [f"accounts/a.toml: {expected}"]


def test_required_keys_and_unknown_sections(accounts):
    folder = accounts(a='[account]\nid = "123456789012"\n[repositry]\nname = "x"\n')
    assert problems(folder) == [
        "accounts/a.toml: account.region: is required",
        "accounts/a.toml: account.environment: is required",
        "accounts/a.toml: account.project: is required",
        "accounts/a.toml: repositry: unknown key (allowed: account, tags, backend, defaults, repository, role, alerts, scanning, registry)",
    ]


def test_name_format_gives_the_full_name(accounts):
    folder = accounts(a=minimal("dev", 'name_format = "{project}-{name}-{region}"\n'))
    # name_format sits in [account]: the extra line lands there in minimal().
    assert problems(folder) == [
        "accounts/a.toml: account.name_format: '{project}-{name}-{region}' is not allowed: use {project}, {environment} and {name}, with {name} required"
    ]
    folder = accounts(b=minimal("dev", 'name_format = "{project}_{name}"\n[[repository]]\nname = "App"\n'))
    assert problems(folder, ["b"]) == [
        "accounts/b.toml: repository[0].name: 'App' gives the ECR repository name 'demo_App' through name_format, which is not valid (2-256 chars: lowercase letters, digits, and . _ - / separators)"
    ]


def test_unreadable_and_undecodable_files(accounts):
    folder = accounts()
    (folder / "binary.toml").write_bytes(b"\xff\xfe[account]")
    (folder / "broken.toml").write_text("[account\nid = 1")
    assert problems(folder) == [
        "accounts/binary.toml: is not UTF-8 text (byte 0xff at offset 0)",
        "accounts/broken.toml: is not valid TOML: Expected ']' at the end of a table declaration (at line 1, column 9)",
    ]


def test_unknown_account_lists_the_known_ones(accounts):
    folder = accounts(alpha=minimal(), beta=minimal())
    assert problems(folder, ["gamma"]) == [
        "accounts/gamma.toml: no such account file (known accounts: alpha, beta)"
    ]


def test_unknown_account_suggests_the_nearest_name(accounts):
    folder = accounts(production=minimal(), staging=minimal("staging"))
    assert problems(folder, ["prodution", "stagin.toml"]) == [
        "accounts/prodution.toml: no such account file (did you mean 'production'? known accounts: production, staging)",
        "accounts/stagin.toml: no such account file (did you mean 'staging'? known accounts: production, staging)",
    ]


def test_a_file_name_names_the_account(accounts):
    folder = accounts(prod=minimal())
    assert [a.name for a in load_accounts(folder, ["prod.toml", "prod"])] == ["prod"]


def test_an_empty_accounts_folder_is_an_error(accounts):
    folder = accounts()
    (folder / "README.md").write_text("not an account")
    assert problems(folder) == [
        "accounts: has no account files (*.toml); add one or point --accounts-dir at the folder that holds them"
    ]


def test_hidden_and_editor_files_are_not_accounts(accounts):
    folder = accounts(real=minimal())
    for name in (".hidden.toml", "real.toml~", "#real.toml#", ".#real.toml"):
        (folder / name).write_text("not toml at all [")
    assert [a.name for a in load_accounts(folder)] == ["real"]


def test_a_byte_order_mark_is_accepted(accounts):
    folder = accounts()
    (folder / "windows.toml").write_bytes(b"\xef\xbb\xbf" + minimal().encode())
    assert [a.name for a in load_accounts(folder)] == ["windows"]


@pytest.mark.parametrize(
    "name_format, expected",
    [
        (
            "{name:.3}",
            "account.name_format: '{name:.3}' is not allowed: format specs, conversions and indexing ('{name:.3}', '{name!r}', '{name[0]}') are not supported; use plain {project}, {environment} and {name}",
        ),
        (
            "{name!r}",
            "account.name_format: '{name!r}' is not allowed: format specs, conversions and indexing ('{name:.3}', '{name!r}', '{name[0]}') are not supported; use plain {project}, {environment} and {name}",
        ),
        (
            "{name:d}",
            "account.name_format: '{name:d}' is not allowed: format specs, conversions and indexing ('{name:.3}', '{name!r}', '{name[0]}') are not supported; use plain {project}, {environment} and {name}",
        ),
        ("{name", "account.name_format: '{name' is not a valid format (expected '}' before end of string)"),
        (
            "{name[0]}",
            "account.name_format: '{name[0]}' is not allowed: format specs, conversions and indexing ('{name:.3}', '{name!r}', '{name[0]}') are not supported; use plain {project}, {environment} and {name}",
        ),
    ],
)
def test_name_format_specs_are_clear_errors(accounts, name_format, expected):
    folder = accounts(a=minimal("dev", f'name_format = "{name_format}"\n[[repository]]\nname = "app"\n'))
    assert problems(folder) == [f"accounts/a.toml: {expected}"]


def test_a_capitalised_environment_in_name_format_is_blamed_once(accounts):
    folder = accounts(
        a=minimal(
            "Production",
            'name_format = "{environment}-{name}"\n[[repository]]\nname = "app"\n'
            '[[repository]]\nname = "api"\n',
        )
    )
    assert problems(folder) == [
        "accounts/a.toml: account.environment: 'Production' is used in name_format but cannot be part of an "
        "ECR repository name (lowercase letters, digits, and . _ - / only)"
    ]


def test_a_type_error_in_role_has_no_follow_on_errors(accounts):
    folder = accounts(a=minimal("dev", '[role]\nname = "ci"\ngithub_repositories = "acme/app"\n'))
    assert problems(folder) == ["accounts/a.toml: role.github_repositories: 'acme/app' must be a list"]


def test_missing_accounts_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert problems(Path("nowhere")) == ["nowhere: is not a folder of account files (see --accounts-dir)"]


def test_repository_keys_are_named_in_the_reference_order(accounts):
    """[defaults], [[repository]] and creation templates declare their shared keys once; a repository's own
    keys (scan_on_push, force_delete, prevent_destroy) keep their place in messages and among shape errors."""
    folder = accounts(
        a=minimal(
            "dev",
            """
            [defaults]
            colour = 1
            [[repository]]
            name = "app"
            encryption = "X"
            force_delete = 1
            scan_on_push = "yes"
            policy = 2
            colour = 1
            [registry]
            [[registry.creation_template]]
            prefix = "x"
            applied_for = ["REPLICATION"]
            scan_on_push = true
            """,
        )
    )
    shared = "policy, pull_account_ids, push_principals, org_id, lambda_pull, lifecycle, adopt"
    repository = f"image_tag_mutability, mutable_tags, immutable_tags, scan_on_push, encryption, kms_key, force_delete, prevent_destroy, tags, {shared}"
    assert problems(folder) == [
        f"accounts/a.toml: defaults.colour: unknown key (allowed: {repository})",
        "accounts/a.toml: repository[0].scan_on_push: 'yes' must be true or false",
        "accounts/a.toml: repository[0].encryption: 'X' is not allowed (allowed: 'AES256', 'KMS' or 'KMS_DSSE')",
        "accounts/a.toml: repository[0].force_delete: 1 must be true or false",
        "accounts/a.toml: repository[0].policy: 2 must be a string",
        f"accounts/a.toml: repository[0].colour: unknown key (allowed: {repository}, name)",
        "accounts/a.toml: registry.creation_template[0].scan_on_push: unknown key (allowed: prefix, applied_for, "
        f"description, custom_role_arn, resource_tags, image_tag_mutability, mutable_tags, immutable_tags, encryption, kms_key, {shared})",
    ]


def test_a_production_repository_written_mutable_is_named(accounts):
    """Allowed (an imported repository AWS holds MUTABLE must plan no change), but named where written:
    a tag pushed over leaves the image it named untagged, for the untagged rule to expire."""
    text = minimal(
        "production", '[defaults]\nimage_tag_mutability = "MUTABLE"\n\n[[repository]]\nname = "app"\n'
    )
    (account,) = load_accounts(accounts(a=text))
    assert [str(w) for w in account.warnings if "mutability" in w.path] == [
        "accounts/a.toml: defaults.image_tag_mutability: 'MUTABLE' in a production account: a push can move a tag "
        "to another image and leave the image it named untagged, where a lifecycle rule for untagged images (the "
        "default policy has one) expires it; IMMUTABLE (the production default) keeps every tag fixed, "
        'IMMUTABLE_WITH_EXCLUSION with mutable_tags = ["latest"] all but those'
    ]
    (account,) = load_accounts(accounts(a=text.replace('"production"', '"dev"')))
    assert [w for w in account.warnings if "mutability" in w.path] == []
    written = text.replace(
        '[[repository]]\nname = "app"\n', '[[repository]]\nname = "app"\nimage_tag_mutability = "IMMUTABLE"\n'
    )
    (account,) = load_accounts(accounts(a=written))
    assert [w for w in account.warnings if "mutability" in w.path] == []
