# ruff: noqa: E501
"""The account file reference's words, for the editor schema (`ecrgen.editors`): (table, key) ->
(description, default). Written from docs/accounts.md by `python tests/reference_rows.py`; a test keeps
them equal."""

DESCRIPTIONS = {
    ("account", "id"): ("12 digits; the provider's `allowed_account_ids`", None),
    ("account", "region"): (
        'an AWS region code from [the AWS regions list](https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html) (commercial, GovCloud `us-gov-*`, China `cn-*`), e.g. `us-east-1`; an unknown code is an error (Terraform would stop at plan with "Invalid AWS Region"); `cn-*` and `us-gov-*` regions get their partition in ARNs. The same list applies to `[backend] region`',
        None,
    ),
    ("account", "environment"): (
        "a known name (any case): `production`, `prod` switch on the production defaults; `development`, `dev`, `staging`, `stage`, `test`, `testing`, `qa`, `uat`, `sandbox`, `nonprod`, `non-production`, `preprod`, `pre-production`, `demo` do not. Any other name is an error unless `production` says which it is: a typo (`prodution`) must never silently drop production protections. Also the `Environment` tag value",
        None,
    ),
    ("account", "production"): (
        "`true` or `false`: required for an environment name not listed above; contradicting a listed name is an error (default: from `environment`)",
        None,
    ),
    ("account", "project"): (
        "used in names (`name_format`) and the `Project` tag (a tag value: ≤ 256 chars of letters, digits, spaces and `_ . : / = + - @`)",
        None,
    ),
    ("account", "name_format"): (
        "full ECR name from `{project}`, `{environment}`, `{name}`; `{name}` is required; no format specs, conversions or indexing (`{name:.3}`, `{name!r}`, `{name[0]}`); a project or environment it uses must be lowercase name characters (the error names that key, once) (default: `{name}`)",
        None,
    ),
    ("account", "assume_role_arn"): (
        "provider `assume_role`; a role ARN of the region's partition and of this account (the provider's `allowed_account_ids` admits no other)",
        None,
    ),
    ("account", "terraform_version"): (
        "`required_version`: a Terraform version constraint (comma-separated `[op] version`, ops `= != > >= < <= ~>`). When a feature in use needs a newer Terraform and the constraint admits older versions, ecrgen appends `, >= X` for the newest one needed: the S3 backend's `use_lockfile` (the default) 1.10.0, `retired` (`removed` blocks) 1.7.0, `adopt` (`import` blocks; repositories, `[role]` or `[alerts]`) 1.5.0; a constraint that excludes the version a feature needs is an error (default: `>= 1.5.0`)",
        None,
    ),
    ("account", "retired"): (
        "names of repositories taken out of ecrgen's hands (the `name` they had in this file): Terraform forgets them and their policies (`removed` blocks, `destroy = false`); AWS keeps them, their images and policies. A retired name may not also be a `[[repository]]`, and must be a name a `[[repository]]` could have (its ECR name through `name_format` valid; the same for `allow_destroy`). See [Nothing lost](#nothing-lost-removing-retiring-adopting)",
        None,
    ),
    ("account", "allow_destroy"): (
        "production repositories Terraform may delete once removed from the file (not also in `retired`)",
        None,
    ),
    ("", "tags"): (
        'provider `default_tags`, added to `Project`, `Environment`, `ManagedBy = "ecrgen"` (a user tag of the same key wins); AWS\'s tag rules: keys 1-128, values ≤ 256 chars of letters, digits, spaces and `_ . : / = + - @`, no `aws:` keys, 50 tags counting `Project`, `Environment` and `ManagedBy` (a user tag of one of those keys replaces it and is counted once); with `[role]`, no two keys that differ only in case (IAM compares role tag keys case-insensitively)',
        None,
    ),
    ("backend", "type"): (
        "`local` (with `path`, default `terraform.tfstate`, must be relative) or `s3` (default: `local`)",
        "local",
    ),
    ("backend", "bucket"): (
        "S3 only; `encrypt` defaults to true; `key` must not start or end with `/` nor contain `//` (Terraform's rule); two account files may not share one state object (default: —)",
        None,
    ),
    ("backend", "key"): (
        "S3 only; `encrypt` defaults to true; `key` must not start or end with `/` nor contain `//` (Terraform's rule); two account files may not share one state object (default: `ecr/<ACCOUNT>.tfstate`)",
        None,
    ),
    ("backend", "region"): (
        "S3 only; `encrypt` defaults to true; `key` must not start or end with `/` nor contain `//` (Terraform's rule); two account files may not share one state object (default: account region)",
        None,
    ),
    ("backend", "path"): (
        "local: the state file's path in the stack's folder (relative); S3: the state object's server-side encryption (default: `terraform.tfstate`)",
        "terraform.tfstate",
    ),
    ("backend", "encrypt"): (
        "local: the state file's path in the stack's folder (relative); S3: the state object's server-side encryption (default: `true`)",
        True,
    ),
    ("backend", "use_lockfile"): (
        "S3-native locking by default (Terraform ≥ 1.10; see `terraform_version`); for Terraform 1.5-1.9 set `use_lockfile = false` and a `dynamodb_table` (default: `true`)",
        True,
    ),
    ("backend", "dynamodb_table"): (
        "S3-native locking by default (Terraform ≥ 1.10; see `terraform_version`); for Terraform 1.5-1.9 set `use_lockfile = false` and a `dynamodb_table`",
        None,
    ),
    ("", "defaults"): (
        "any repository key but `name`, for every repository; a repository's own value wins. `[defaults.lifecycle]` merges key by key with a repository's `[repository.lifecycle]` (the repository's keys win), except that the two modes replace each other: a repository's `rules` drop the inherited `max_image_count`, `untagged_image_days` and `protected_tags`, and a repository's count keys drop inherited `rules`. A problem in a value taken from `[defaults]` is reported once, at `defaults.<key>` (an error while rendering a policy template stays on each repository that renders it)",
        None,
    ),
    ("repository", "name"): ("unique; the Terraform address and the output map key derive from it", None),
    ("repository", "image_tag_mutability"): (
        "or `IMMUTABLE_WITH_EXCLUSION` (every tag immutable but `mutable_tags`), `MUTABLE_WITH_EXCLUSION` (every tag mutable but `immutable_tags`; provider 6.x: `image_tag_mutability_exclusion_filter`) (default: `IMMUTABLE` in production, else `MUTABLE`)",
        None,
    ),
    ("repository", "mutable_tags"): (
        "1-5 wildcard filters that stay mutable; makes the repository `IMMUTABLE_WITH_EXCLUSION`. An empty list is an error, except in a repository whose `[defaults]` give filters (there `[]` clears them)",
        None,
    ),
    ("repository", "immutable_tags"): (
        '1-5 wildcard filters that stay immutable, with `image_tag_mutability = "MUTABLE_WITH_EXCLUSION"` written out (they never make a repository mutable by themselves: a production repository must not become mutable by inference); an error with any other mode or beside `mutable_tags`; `image_tag_mutability_exclusion_filter` blocks (`WILDCARD`); `[]` as for `mutable_tags`',
        None,
    ),
    ("repository", "scan_on_push"): (
        "scan each image when it is pushed (`image_scanning_configuration`) (default: `true`)",
        True,
    ),
    ("repository", "encryption"): (
        "`AES256`, `KMS` or `KMS_DSSE`; `KMS` needs `kms_key`: a key ARN in the account's region (ECR needs the key in the repository's region), or `alias/NAME` of this account and region, resolved through `data.aws_kms_alias` to the key ARN (an alias *ARN* cannot be looked up: write `alias/NAME`). `alias/aws/ecr` means ECR's AWS managed key and emits no `kms_key` (that key may not exist before first use); other `alias/aws/...` keys are rejected. `kms_key` alone implies `KMS`. `KMS_DSSE` (dual-layer server-side encryption with a KMS key; provider ≥ 5.x, `encryption_configuration.encryption_type`) needs `kms_key` as `KMS` does, and a creation template with it a `custom_role_arn`. A repository's own `encryption = \"AES256\"` wins over a `kms_key` it only inherits from `[defaults]` (default: `AES256`)",
        "AES256",
    ),
    ("repository", "kms_key"): (
        "`AES256`, `KMS` or `KMS_DSSE`; `KMS` needs `kms_key`: a key ARN in the account's region (ECR needs the key in the repository's region), or `alias/NAME` of this account and region, resolved through `data.aws_kms_alias` to the key ARN (an alias *ARN* cannot be looked up: write `alias/NAME`). `alias/aws/ecr` means ECR's AWS managed key and emits no `kms_key` (that key may not exist before first use); other `alias/aws/...` keys are rejected. `kms_key` alone implies `KMS`. `KMS_DSSE` (dual-layer server-side encryption with a KMS key; provider ≥ 5.x, `encryption_configuration.encryption_type`) needs `kms_key` as `KMS` does, and a creation template with it a `custom_role_arn`. A repository's own `encryption = \"AES256\"` wins over a `kms_key` it only inherits from `[defaults]`",
        None,
    ),
    ("repository", "force_delete"): (
        "Terraform may delete the repository with the images in it (default: `false`)",
        False,
    ),
    ("repository", "prevent_destroy"): (
        "Terraform `lifecycle.prevent_destroy` (default: `true` in production, else `false`)",
        None,
    ),
    ("repository", "tags"): (
        "the repository's own tags (`aws_ecr_repository` `tags`), beside the provider's `default_tags` (`[tags]` and `Project`, `Environment`, `ManagedBy`; a repository tag of the same key wins). AWS's tag rules as for `[tags]`; counted with the default tags (and `ecrgen:guarded` on a guarded repository, a key of ecrgen's own) against AWS's 50. In `[defaults]`, for every repository that has no `tags` of its own. Creation templates keep `resource_tags`",
        None,
    ),
    ("repository", "policy"): (
        "a template name, or `none` (default: `production` in production, else `non_production`)",
        None,
    ),
    ("repository", "pull_account_ids"): (
        'what the policy templates grant (below); no duplicates; `push_principals` are IAM ARNs of the account\'s partition: `...:root`, `...:user/[PATH/]NAME` or `...:role/[PATH/]NAME`, with no `*` in them (IAM accepts `*` only as the whole principal) and no `sts` assumed-role session ARNs (a session is not a durable principal: name its role). `org_id = ""` in a repository means no organization grant, whatever `[defaults]` says; `pull_account_ids = []` and `push_principals = []` clear inherited lists the same way',
        None,
    ),
    ("repository", "push_principals"): (
        'what the policy templates grant (below); no duplicates; `push_principals` are IAM ARNs of the account\'s partition: `...:root`, `...:user/[PATH/]NAME` or `...:role/[PATH/]NAME`, with no `*` in them (IAM accepts `*` only as the whole principal) and no `sts` assumed-role session ARNs (a session is not a durable principal: name its role). `org_id = ""` in a repository means no organization grant, whatever `[defaults]` says; `pull_account_ids = []` and `push_principals = []` clear inherited lists the same way',
        None,
    ),
    ("repository", "org_id"): (
        'what the policy templates grant (below); no duplicates; `push_principals` are IAM ARNs of the account\'s partition: `...:root`, `...:user/[PATH/]NAME` or `...:role/[PATH/]NAME`, with no `*` in them (IAM accepts `*` only as the whole principal) and no `sts` assumed-role session ARNs (a session is not a durable principal: name its role). `org_id = ""` in a repository means no organization grant, whatever `[defaults]` says; `pull_account_ids = []` and `push_principals = []` clear inherited lists the same way',
        None,
    ),
    ("repository", "lambda_pull"): (
        'what the policy templates grant (below); no duplicates; `push_principals` are IAM ARNs of the account\'s partition: `...:root`, `...:user/[PATH/]NAME` or `...:role/[PATH/]NAME`, with no `*` in them (IAM accepts `*` only as the whole principal) and no `sts` assumed-role session ARNs (a session is not a durable principal: name its role). `org_id = ""` in a repository means no organization grant, whatever `[defaults]` says; `pull_account_ids = []` and `push_principals = []` clear inherited lists the same way',
        None,
    ),
    ("repository", "adopt"): (
        "the repository exists already (made by the old module, by hand or another tool): an `import` block takes it over on the first apply instead of failing with RepositoryAlreadyExists; harmless afterwards, and it keeps the repository guarded by `check-plan` in every environment (and tagged `ecrgen:guarded`), so it may stay. The first apply puts the file's lifecycle policy (ecrgen's default without a `lifecycle` key) in place of the one AWS holds, and `check-plan` warns of it: `lifecycle = false` keeps AWS's. Only for repositories that exist (Terraform cannot import what is not there): a repository added later that inherits it from `[defaults]` needs `adopt = false` (`synth` warns) (default: `false`)",
        False,
    ),
    ("repository", "lifecycle"): (
        "`lifecycle = false` turns the policy off (default: the default policy)",
        None,
    ),
    ("repository.lifecycle", "enabled"): (
        "`false` (or `lifecycle = false`) turns the repository's lifecycle policy off (default: `true`)",
        True,
    ),
    ("repository.lifecycle", "max_image_count"): (
        "keep the newest N images; expire untagged images after N days (default: `30`)",
        30,
    ),
    ("repository.lifecycle", "untagged_image_days"): (
        "keep the newest N images; expire untagged images after N days (default: `7`)",
        7,
    ),
    ("repository.lifecycle", "protected_tags"): (
        "distinct tag patterns (≤ 4 `*`) whose images the default rules never expire; the default policy they make passes the same checks as custom `rules` (e.g. at most 30,720 characters)",
        None,
    ),
    ("repository.lifecycle", "rules"): (
        "full ECR lifecycle rules with AWS's field names, instead of the three keys above",
        None,
    ),
    ("role", "name"): ("`push` (push and pull) or `pull`", None),
    ("role", "access"): ("`push` (push and pull) or `pull` (default: `push`)", "push"),
    ("role", "adopt"): (
        "the role exists already: an `import` block takes it over (its inline policy is put again, no import needed) (default: `false`)",
        False,
    ),
    ("role", "github_repositories"): (
        "who may assume the role; at least one; `github_repositories` forms under [The ECR role](#the-ecr-role); `trusted_principals` follow the `push_principals` rules",
        None,
    ),
    ("role", "trusted_principals"): (
        "who may assume the role; at least one; `github_repositories` forms under [The ECR role](#the-ecr-role); `trusted_principals` follow the `push_principals` rules",
        None,
    ),
    ("role", "trusted_services"): (
        "who may assume the role; at least one; `github_repositories` forms under [The ECR role](#the-ecr-role); `trusted_principals` follow the `push_principals` rules",
        None,
    ),
    ("alerts", "sqs_queue_name"): ("existing queue (looked up by name) unless `create_queue = true`", None),
    ("alerts", "create_queue"): (
        "`true`: ecrgen creates the queue (SSE-SQS, with a queue policy letting only this rule send) (default: `false`)",
        False,
    ),
    ("alerts", "severities"): (
        'the finding severities the alert forwards (default: `["HIGH", "CRITICAL"]`)',
        ["HIGH", "CRITICAL"],
    ),
    ("alerts", "cloudwatch_log_group"): (
        "also deliver findings to this log group (`/aws/events/...`, 365-day retention)",
        None,
    ),
    ("alerts", "rule_name"): (
        "the EventBridge rule's name, on the default bus: 1-64 chars of letters, digits, `.`, `-`, `_` ([PutRule](https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html)); left out, the account's file name must be ≤ 46 characters. Two account files may not name one rule in one account and region. The log resource policy (with `cloudwatch_log_group`) is `<rule_name>-logs` (default: `<ACCOUNT>-ecr-scan-findings`)",
        None,
    ),
    ("alerts", "target_id"): (
        "the id of the rule's SQS target: 1-64 chars of letters, digits, `.`, `-`, `_` ([Target](https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_Target.html)) (default: `sqs`)",
        "sqs",
    ),
    ("alerts", "adopt"): (
        "the rule and its SQS target exist already (the old module's `ecr-alerts.tf`): `import` blocks take them over (the rule by `rule_name`, the target by `default/<rule_name>/<target_id>`) instead of adding a second rule beside them; what differs (pattern, description, tags) is updated in place. Set `rule_name` and `target_id` to the existing ones. Raises `terraform_version` to 1.5 as repository `adopt` does (default: `false`)",
        False,
    ),
    ("scanning", "type"): ("`BASIC` or `ENHANCED` (Amazon Inspector) (default: `BASIC`)", "BASIC"),
    ("scanning", "continuous"): (
        "ENHANCED only: `CONTINUOUS_SCAN` instead of `SCAN_ON_PUSH` (default: `false`)",
        False,
    ),
    ("scanning", "repository_filters"): (
        'wildcard filters of the scanning rule (ecrgen\'s addition to the contract) (default: `["*"]`)',
        ["*"],
    ),
    ("scanning.rule", "frequency"): (
        "one `rule` block of `aws_ecr_registry_scanning_configuration` each, instead of `continuous` and `repository_filters` (an error beside them): `frequency` `SCAN_ON_PUSH` or `CONTINUOUS_SCAN` (ENHANCED only), `filters` 1-100 wildcard filters; at most 2 rules (provider ≥ 5.x)",
        None,
    ),
    ("scanning.rule", "filters"): (
        'one `rule` block of `aws_ecr_registry_scanning_configuration` each, instead of `continuous` and `repository_filters` (an error beside them): `frequency` `SCAN_ON_PUSH` or `CONTINUOUS_SCAN` (ENHANCED only), `filters` 1-100 wildcard filters; at most 2 rules (provider ≥ 5.x) (default: `["*"]`)',
        ["*"],
    ),
    ("registry", "policy"): (
        "the registry policy's template (built-in `registry_default`, or `iam_policies/<name>.json.j2`), or `none`; see [Registry settings](#registry-settings-replication-pull-through-cache-registry-policy-creation-templates) (default: `registry_default` when `replication_source_account_ids` or `pull_through_principals` is set, else none)",
        None,
    ),
    ("registry", "replication_source_account_ids"): (
        "accounts that may replicate into this registry (`registry_default` grants them `ecr:ReplicateImage` and `ecr:CreateRepository`)",
        None,
    ),
    ("registry", "pull_through_principals"): (
        "IAM principal ARNs (the `push_principals` rules) that may have ECR cache upstream images under the pull through cache prefixes (`ecr:BatchImportUpstreamImage`, `ecr:CreateRepository`)",
        None,
    ),
    ("registry", "policy_scope"): (
        "`V1` or `V2`: `aws_ecr_account_setting.registry_policy_scope` (name `REGISTRY_POLICY_SCOPE`; provider ≥ 5.x, within ecrgen's `~> 6.25`). Under `V2` the registry policy may grant any `ecr:` action; under `V1` only `ecr:ReplicateImage`, `ecr:BatchImportUpstreamImage` and `ecr:CreateRepository` (the error names `policy_scope`). Left out, the policy is checked as `V2` (default: not managed (AWS's default `V2`))",
        None,
    ),
    ("registry", "blob_mounting"): (
        "`true` or `false`: `aws_ecr_account_setting.blob_mounting` (name `BLOB_MOUNTING`, value `ENABLED` or `DISABLED`); needs provider 6.29: the stack then requires `hashicorp/aws ~> 6.29` (default: not managed)",
        None,
    ),
    ("registry", "pull_time_update_exclusions"): (
        "IAM role or user ARNs (the `push_principals` rules) whose pulls do not update an image's last-pulled time: one `aws_ecr_pull_time_update_exclusion.<type>_<name>_<account>` each; needs provider 6.28 (the stack then requires `~> 6.28`; emitted through the engine's seam, the pinned bindings stop at 6.25)",
        None,
    ),
    ("registry.replication", "destinations"): (
        '1 or more `{ region = "...", account_id = "..." }`; `account_id` defaults to this account; not this registry itself, same partition; ≤ 10 rules, ≤ 25 unique destinations across them',
        None,
    ),
    ("registry.replication.destinations", "region"): (
        "the destination registry: its region, and its account (12 digits)",
        None,
    ),
    ("registry.replication.destinations", "account_id"): (
        "the destination registry: its region, and its account (12 digits) (default: this account)",
        None,
    ),
    ("registry.replication", "prefixes"): (
        "repository name prefixes (`PREFIX_MATCH`), ≤ 100 per rule (default: every repository)",
        None,
    ),
    ("registry.pull_through_cache", "prefix"): (
        "prefix 2-30 name characters (or `ROOT`, ECR-to-ECR only), one rule per prefix; upstream `ecr-public`, `k8s`, `quay`, `docker-hub`, `github-container-registry`, `gitlab-container-registry`, `azure-container-registry`, `chainguard` or `ecr`",
        None,
    ),
    ("registry.pull_through_cache", "upstream"): (
        "prefix 2-30 name characters (or `ROOT`, ECR-to-ECR only), one rule per prefix; upstream `ecr-public`, `k8s`, `quay`, `docker-hub`, `github-container-registry`, `gitlab-container-registry`, `azure-container-registry`, `chainguard` or `ecr`",
        None,
    ),
    ("registry.pull_through_cache", "registry_url"): (
        "required for `azure-container-registry` (`NAME.azurecr.io`) and `ecr` (`ACCOUNT.dkr.ecr.REGION.amazonaws.com`) (default: AWS's URL of the upstream)",
        None,
    ),
    ("registry.pull_through_cache", "secret"): (
        "required for Docker Hub, GitHub, GitLab, Azure and Chainguard, refused for the others: a Secrets Manager secret name `ecr-pullthroughcache/...` of this account and region, looked up by `data.aws_secretsmanager_secret`",
        None,
    ),
    ("registry.pull_through_cache", "custom_role_arn"): (
        "`ecr` only: a role of this account ECR assumes (required for another account's registry); the upstream repository prefix (not with `ROOT`)",
        None,
    ),
    ("registry.pull_through_cache", "upstream_prefix"): (
        "`ecr` only: a role of this account ECR assumes (required for another account's registry); the upstream repository prefix (not with `ROOT`)",
        None,
    ),
    ("registry.pull_through_cache", "adopt"): (
        "the rule exists already: an `import` block (by prefix) takes it over instead of failing with PullThroughCacheRuleAlreadyExists; `ecrgen import` writes it (default: `false`)",
        False,
    ),
    ("registry.creation_template", "prefix"): (
        "a repository name prefix or `ROOT`, one template per prefix; 1+ of `PULL_THROUGH_CACHE`, `REPLICATION`, `CREATE_ON_PUSH`",
        None,
    ),
    ("registry.creation_template", "applied_for"): (
        "a repository name prefix or `ROOT`, one template per prefix; 1+ of `PULL_THROUGH_CACHE`, `REPLICATION`, `CREATE_ON_PUSH`",
        None,
    ),
    ("registry.creation_template", "description"): (
        "≤ 256 chars; AWS's tag rules; a role of this account, required with KMS encryption or `resource_tags`",
        None,
    ),
    ("registry.creation_template", "resource_tags"): (
        "≤ 256 chars; AWS's tag rules; a role of this account, required with KMS encryption or `resource_tags`",
        None,
    ),
    ("registry.creation_template", "custom_role_arn"): (
        "≤ 256 chars; AWS's tag rules; a role of this account, required with KMS encryption or `resource_tags`",
        None,
    ),
    ("registry.creation_template", "adopt"): (
        "the template exists already: an `import` block (by prefix) takes it over instead of failing with TemplateAlreadyExists; `ecrgen import` writes it (default: `false`)",
        False,
    ),
}
