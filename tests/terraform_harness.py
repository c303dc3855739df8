"""Real Terraform against moto: a moto server per AWS account, and a Terraform working folder per stack.

Terraform comes from PATH and the hashicorp/aws provider from a filesystem mirror (offline). Where
either is missing, the Terraform tier skips with one reason line (`missing()`).

A Terraform command costs ~4 s of CPU, most of it the provider: starting it (~2-3 s: it builds the
schema of every AWS resource) and Terraform reading that schema. So `terraform init` installs the
provider from the mirror as a user's does, and every later command attaches (`TF_REATTACH_PROVIDERS`)
to one provider process per moto server and region, started from the same mirror binary with the
environment a command would give it (`Provider`): ~2 s a command. A test asks for no more commands
than its proof needs: `plan` validates (no separate `validate`), a plan nobody reads is not shown
(`save_plan`), and a plan that must change nothing is shown only when Terraform says it changes
something (`Workspace.changes`).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import boto3

SESSION_ENV = dict(os.environ)  # before any test changes it (monkeypatch.setenv)
MIRROR_CANDIDATES = ("/opt/tf-plugins", "/usr/share/terraform/plugins", "/usr/local/share/terraform/plugins")
PROVIDER = "registry.terraform.io/hashicorp/aws"


def find_mirror() -> Path | None:
    """The filesystem mirror holding hashicorp/aws (ECRGEN_TF_MIRROR, or a known place)."""
    for candidate in filter(None, [os.environ.get("ECRGEN_TF_MIRROR"), *MIRROR_CANDIDATES]):
        if (Path(candidate) / PROVIDER).is_dir():
            return Path(candidate)
    return None


def mirror_version(mirror: Path) -> str:
    """The newest provider version in the mirror (folders named by version)."""
    versions = [p.name for p in (mirror / PROVIDER).iterdir() if p.is_dir()]
    return max(versions, key=lambda v: tuple(int(x) for x in v.split(".") if x.isdigit()))


def missing() -> str | None:
    """Why the Terraform tier cannot run here, or None."""
    if shutil.which("terraform") is None:
        return "Terraform tier skipped: no terraform binary on PATH"
    if find_mirror() is None:
        return "Terraform tier skipped: no filesystem mirror with hashicorp/aws (set ECRGEN_TF_MIRROR)"
    return None


def for_provider_5(document: dict) -> dict:
    """THE ONE PLACE tests change ecrgen's JSON. ecrgen emits `hashicorp/aws ~> 6.25`; the offline mirror
    holds 5.100.0, which lacks what 6.x added: `image_tag_mutability_exclusion_filter` and the
    `IMMUTABLE_WITH_EXCLUSION` and `MUTABLE_WITH_EXCLUSION` settings, on repositories and on repository
    creation templates, a creation template's `CREATE_ON_PUSH` (6.28), `aws_ecr_pull_time_update_exclusion`
    (6.28) and the account setting `BLOB_MOUNTING` (6.29). The settings become plain IMMUTABLE (MUTABLE),
    the template keeps its other uses, and the two resources are left out here (the 6.x arguments are checked by ecrgen's rules and
    goldens, and their names against a newer provider schema in tests/test_aws_model.py, instead)."""
    resources = document.get("resource", {})
    for kind in ("aws_ecr_repository", "aws_ecr_repository_creation_template"):
        for body in resources.get(kind, {}).values():
            if body.pop("image_tag_mutability_exclusion_filter", None) is not None:
                body["image_tag_mutability"] = body["image_tag_mutability"].removesuffix("_WITH_EXCLUSION")
    for body in resources.get("aws_ecr_repository_creation_template", {}).values():
        body["applied_for"] = [use for use in body["applied_for"] if use != "CREATE_ON_PUSH"]
    # aws_ecr_pull_time_update_exclusion (6.28) and the account setting BLOB_MOUNTING (6.29) do not exist
    # in 5.100.0: left out (REGISTRY_POLICY_SCOPE does, and stays).
    resources.pop("aws_ecr_pull_time_update_exclusion", None)
    settings = resources.get("aws_ecr_account_setting", {})
    for name in [name for name, body in settings.items() if body["name"] == "BLOB_MOUNTING"]:
        del settings[name]
    if "aws_ecr_account_setting" in resources and not settings:
        del resources["aws_ecr_account_setting"]
    return document


def provider_binary() -> Path:
    """The mirror's provider executable (`<mirror>/<provider>/<version>/<os_arch>/terraform-provider-aws*`)."""
    mirror = find_mirror()
    assert mirror is not None, missing()
    (binary,) = (mirror / PROVIDER / mirror_version(mirror)).glob("*/terraform-provider-aws*")
    return binary


def _die_with_parent() -> None:
    """In the child: stop when the pytest worker that started it dies (Linux), so none is left behind."""
    import ctypes

    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Provider:
    """hashicorp/aws from the mirror, started once in `-debug` mode; Terraform commands attach to it with
    `TF_REATTACH_PROVIDERS` instead of starting it again. The provider reads its AWS settings (moto's
    endpoint, the test credentials) from its own environment, which is why there is one per moto server
    and region. A command configures it afresh (`ConfigureProvider`); commands run one at a time."""

    REATTACH = re.compile(r"TF_REATTACH_PROVIDERS='(.+)'")

    def __init__(self, env: dict[str, str], log: Path):
        self.log = log
        # Without AWS_CA_BUNDLE: moto is plain HTTP, and the provider adds a CA bundle to its HTTP client
        # once per process (a second ConfigureProvider then fails: "unable to add custom RootCAs").
        env = {name: value for name, value in env.items() if name != "AWS_CA_BUNDLE"}
        with log.open("wb") as output:
            self.process = subprocess.Popen(
                [str(provider_binary()), "-debug"],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent if sys.platform == "linux" else None,
            )
        deadline = time.monotonic() + 120
        while not (found := self.REATTACH.search(log.read_text(errors="replace"))):
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise RuntimeError(f"the provider did not start in debug mode (see {log})")
            time.sleep(0.1)
        self.reattach = found.group(1)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # its debug server stops on an interrupt
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MotoServer:
    """`moto_server` on 127.0.0.1 for one AWS account (MOTO_ACCOUNT_ID), with the providers attached to it."""

    def __init__(self, account_id: str, log: Path):
        self.account_id = account_id
        self.log = log
        self.providers: dict[str, Provider] = {}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        launcher = Path(__file__).with_name("moto_launcher.py")
        env = {**os.environ, "MOTO_ACCOUNT_ID": account_id}
        with log.open("wb") as output:  # the server writes to its own copy of the descriptor
            self.process = subprocess.Popen(
                [sys.executable, str(launcher), "-H", "127.0.0.1", "-p", str(self.port)],
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 90  # a loaded 2-core machine starts it slowly
        while True:
            try:
                with urllib.request.urlopen(self.url + "/moto-api/data.json", timeout=1) as response:
                    response.read()
                return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError(f"moto server for {account_id} did not start (see {log})") from None
                time.sleep(0.2)

    def point_at(self, monkeypatch) -> None:
        """Make this server the AWS that boto3 (and `ecrgen import`) reaches, with test credentials."""
        for name, value in {
            "AWS_ENDPOINT_URL": self.url,
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_EC2_METADATA_DISABLED": "true",
        }.items():
            monkeypatch.setenv(name, value)
        monkeypatch.delenv("AWS_PROFILE", raising=False)

    def client(self, service: str, region: str):
        return boto3.client(
            service,
            region_name=region,
            endpoint_url=self.url,
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )

    def reset(self) -> None:
        """Forget everything the account holds (moto's reset API): a test starts from an empty account."""
        request = urllib.request.Request(self.url + "/moto-api/reset", method="POST")
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()

    def provider(self, env: dict[str, str]) -> Provider:
        """The provider process for this server and the region in `env` (a Terraform command's environment)."""
        region = env["AWS_REGION"]
        if region not in self.providers:
            log = self.log.with_name(f"{self.log.stem}-provider-{region}.log")
            self.providers[region] = Provider(env, log)
        return self.providers[region]

    def stop(self) -> None:
        for provider in self.providers.values():
            provider.stop()
        self.process.terminate()
        self.process.wait(timeout=10)


@dataclass
class Run:
    """A finished Terraform command."""

    args: list[str]
    code: int
    output: str
    seconds: float


@dataclass
class Workspace:
    """One stack folder as Terraform sees it: the mirror, moto as every AWS endpoint, the provider pinned."""

    folder: Path
    moto: MotoServer
    region: str
    runs: list[Run] = field(default_factory=list)

    def env(self, base: dict[str, str] | None = None) -> dict[str, str]:
        """A command's environment: `base` (the process's now) with the mirror, moto and the test keys."""
        rc = self.folder.parent / "terraform.rc"
        mirror = find_mirror()
        rc.write_text(
            f'provider_installation {{\n  filesystem_mirror {{\n    path = "{mirror}"\n    include = ["{PROVIDER}"]\n  }}\n'
            f'  direct {{ exclude = ["{PROVIDER}"] }}\n}}\n'
        )
        return {
            **(os.environ if base is None else base),
            "TF_CLI_CONFIG_FILE": str(rc),
            "TF_IN_AUTOMATION": "1",
            "TF_INPUT": "0",
            "CHECKPOINT_DISABLE": "1",
            "AWS_ENDPOINT_URL": self.moto.url,
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_EC2_METADATA_DISABLED": "true",
            # Go's collector less often, on one thread: Terraform and the provider build the provider's
            # whole schema on every command (~40 % less CPU; ~700 MB for a provider process). The
            # tests run side by side on few cores: a command gains nothing from more threads.
            "GOGC": "400",
            "GOMAXPROCS": "1",
        }

    def pin_provider(self) -> None:
        """Pin the mirror's provider version with an override file, as a user would; then adapt the JSON."""
        override = {
            "terraform": {
                "required_providers": {
                    "aws": {"source": "hashicorp/aws", "version": mirror_version(find_mirror())}
                }
            }
        }
        (self.folder / "provider_override.tf.json").write_text(json.dumps(override))
        stack = self.folder / "cdk.tf.json"
        stack.write_text(json.dumps(for_provider_5(json.loads(stack.read_text())), indent=2))

    def backend_config(self) -> list[str]:
        """An S3 backend stores its state in moto's S3 (the bucket is created first)."""
        document = json.loads((self.folder / "cdk.tf.json").read_text())
        s3 = document.get("terraform", {}).get("backend", {}).get("s3")
        if not s3:
            return []
        client = self.moto.client("s3", s3["region"])
        options = (
            {}
            if s3["region"] == "us-east-1"
            else {"CreateBucketConfiguration": {"LocationConstraint": s3["region"]}}
        )
        try:
            client.create_bucket(Bucket=s3["bucket"], **options)
        except client.exceptions.BucketAlreadyOwnedByYou:
            pass
        config = self.folder.parent / "backend.hcl"
        config.write_text(
            f'endpoints = {{ s3 = "{self.moto.url}" }}\nuse_path_style = true\n'
            "skip_credentials_validation = true\nskip_requesting_account_id = true\n"
        )
        return [f"-backend-config={config}"]

    def run(self, command: list[str], check: bool = True) -> Run:
        """Run a Terraform command (`["terraform", "plan", ...]`) in the stack folder, against moto."""
        assert command[0] == "terraform", command
        env = self.env()
        if command[1] != "init":  # init installs the provider from the mirror, as a user's does
            # The provider outlives the test: its environment is the session's, not what a test set.
            env["TF_REATTACH_PROVIDERS"] = self.moto.provider(self.env(SESSION_ENV)).reattach
        started = time.monotonic()
        process = subprocess.run(
            [*command, "-no-color"],
            cwd=self.folder,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        result = Run(
            command[1:], process.returncode, process.stdout + process.stderr, time.monotonic() - started
        )
        if os.environ.get("ECRGEN_TF_TIMES"):
            print(f"{' '.join(command[:2])}: {result.seconds:.1f} s", file=sys.stderr)
        self.runs.append(result)
        if check and result.code != 0:
            raise AssertionError(f"{' '.join(command)} failed in {self.folder}:\n{result.output[-6000:]}")
        return result

    def init(self) -> None:
        self.pin_provider()
        self.run(["terraform", "init", "-input=false", "-reconfigure", *self.backend_config()])

    def save_plan(self, name: str = "plan", targets: list[str] | tuple[str, ...] = ()) -> Run:
        """`terraform plan -out=<name>.tfplan` (only `targets` and what they need, when given), not read."""
        return self.run(
            ["terraform", "plan", "-input=false", f"-out={name}.tfplan", *(f"-target={t}" for t in targets)]
        )

    def show(self, name: str = "plan") -> dict:
        """A saved plan, as `terraform show -json` gives it."""
        return json.loads(self.run(["terraform", "show", "-json", f"{name}.tfplan"]).output)

    def plan(self, name: str = "plan", targets: list[str] | tuple[str, ...] = ()) -> dict:
        """A saved plan, as `terraform show -json` gives it (only `targets` and what they need, when given)."""
        self.save_plan(name, targets)
        return self.show(name)

    def changes(self, name: str) -> dict[str, list[str]]:
        """`changes()` of a new saved plan. With `-detailed-exitcode`, 0 says the plan changes nothing at
        all (no resource action but no-op, no import, no move, no output change), so it is read only when
        Terraform says 2 (some change: `changes()` then judges it, reads and no-ops left out)."""
        planned = self.run(
            ["terraform", "plan", "-input=false", "-detailed-exitcode", f"-out={name}.tfplan"], check=False
        )
        if planned.code == 0:
            return {}
        if planned.code != 2:
            raise AssertionError(f"terraform plan failed in {self.folder}:\n{planned.output[-6000:]}")
        return changes(self.show(name))

    def apply(self, plan: str = "plan") -> None:
        self.run(["terraform", "apply", "-input=false", "-auto-approve", f"{plan}.tfplan"])

    def apply_planned(self, targets: list[str] | tuple[str, ...] = ()) -> None:
        """`terraform apply -auto-approve` planning and applying in one command (only `targets` and what
        they need, when given): for a plan nobody reads, one Terraform start instead of two."""
        self.run(["terraform", "apply", "-input=false", "-auto-approve", *(f"-target={t}" for t in targets)])

    def outputs(self) -> dict:
        return {
            name: value["value"]
            for name, value in json.loads(self.run(["terraform", "output", "-json"]).output).items()
        }


# Resource types moto (5.2) does not model: their stacks are validated and planned in full, and applied
# without them (`terraform apply -target` of everything else); the second plan creates only them.
MOTO_UNMODELED = (
    "aws_ecr_pull_through_cache_rule",
    "aws_ecr_repository_creation_template",
    "aws_ecr_account_setting",
    "aws_ecr_pull_time_update_exclusion",
)


def moto_targets(document: dict) -> list[str]:
    """Every resource address moto can apply, when the stack has some it cannot; else [] (apply all)."""
    resources = document.get("resource", {})
    if not any(kind in resources for kind in MOTO_UNMODELED):
        return []
    # Data sources too: the outputs read them, and a targeted apply updates only outputs of what it targets.
    data = [f"data.{kind}.{name}" for kind, blocks in document.get("data", {}).items() for name in blocks]
    return sorted(
        [
            f"{kind}.{name}"
            for kind, blocks in resources.items()
            if kind not in MOTO_UNMODELED
            for name in blocks
        ]
        + data
    )


def changes(plan: dict) -> dict[str, list[str]]:
    """Address -> actions for every resource the plan would change (no-ops and reads left out)."""
    return {
        c["address"]: c["change"]["actions"]
        for c in plan.get("resource_changes", [])
        if c["change"]["actions"] not in (["no-op"], ["read"])
    }


def prepare_lookups(document: dict, moto: MotoServer, region: str) -> None:
    """Create in moto what the stack's data sources expect other modules to have made (parity with
    data.tf): the alert queue, the GitHub OIDC provider, KMS aliases."""
    data = document.get("data", {})
    for body in data.get("aws_sqs_queue", {}).values():
        attributes = (
            {"FifoQueue": "true", "ContentBasedDeduplication": "true"}
            if body["name"].endswith(".fifo")
            else {}
        )
        moto.client("sqs", region).create_queue(QueueName=body["name"], Attributes=attributes)
    for body in data.get("aws_iam_openid_connect_provider", {}).values():
        iam = moto.client("iam", region)
        if not iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]:
            iam.create_open_id_connect_provider(
                Url=body["url"],
                ClientIDList=["sts.amazonaws.com"],
                ThumbprintList=["6938fd4d98bab03faadb97b34396831e3780aea1"],
            )
    for body in data.get("aws_secretsmanager_secret", {}).values():
        moto.client("secretsmanager", region).create_secret(
            Name=body["name"], SecretString='{"username":"u","accessToken":"t"}'
        )
    for body in data.get("aws_kms_alias", {}).values():
        kms = moto.client("kms", region)
        key = kms.create_key(Description=f"ecrgen test key for {body['name']}")["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName=body["name"], TargetKeyId=key)


class Stack:
    """One account of a project: synthesize it, and drive Terraform in its stack folder."""

    def __init__(self, project: Path, name: str, moto):
        from ecrgen.config import load as config

        self.project, self.name = project, name
        self.account = config.load_accounts(project / "accounts", [name])[0]
        self.moto = moto(self.account.id)
        self.workspace = Workspace(project / "cdktf.out" / "stacks" / name, self.moto, self.account.region)

    def synth(self) -> dict:
        from ecrgen import commands
        from ecrgen.config import load as config

        commands.synthesize(self.project / "accounts", [self.name], self.project / "cdktf.out")
        self.account = config.load_accounts(self.project / "accounts", [self.name])[0]
        return json.loads((self.workspace.folder / "cdk.tf.json").read_text())

    def synth_as_ci(self) -> dict:
        """Synthesize as CI does: a fresh checkout (no previous stack) with a remote state (no state file
        for synth to read: the local one is put aside meanwhile), so only check-plan can judge."""
        (self.workspace.folder / "cdk.tf.json").unlink(missing_ok=True)
        state = self.workspace.folder / "terraform.tfstate"
        state.rename(state.with_suffix(".aside"))
        try:
            return self.synth()
        finally:
            state.with_suffix(".aside").rename(state)

    def edit(self, change) -> None:
        path = self.project / "accounts" / f"{self.name}.toml"
        path.write_text(change(path.read_text()))

    def up(self) -> dict[str, list[str]]:
        """Synthesize, init, plan, apply; return the changes of the second plan (which must change
        nothing but create what moto does not model, `MOTO_UNMODELED`: applied around with `-target`,
        so the second plan, which is not targeted, plans it in full). No `terraform validate`: `plan`
        validates first."""
        document = self.synth()
        prepare_lookups(document, self.moto, self.account.region)
        self.workspace.init()
        self.workspace.apply_planned(moto_targets(document))
        return self.workspace.changes("again")

    def replan(self, change) -> dict[str, list[str]]:
        """Edit the account file, synthesize into the same output folder, plan; apply; return the changes."""
        self.edit(change)
        self.synth()
        self.workspace.pin_provider()
        planned = changes(self.workspace.plan("edit"))
        self.workspace.apply("edit")
        return planned
