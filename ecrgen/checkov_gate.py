"""checkov over every synthesized stack, failing on any finding that is not an accepted exception.

    python -m ecrgen.checkov_gate --checkov PATH/TO/checkov [--accounts-dir accounts] \\
        [--accept CHECK_ID]... [--require CHECK_ID]... cdktf.out/stacks/*/cdk.tf.json

checkov runs from an environment of its own (it pins packages that clash with ecrgen's); this gate
runs with ecrgen and calls it once for all stacks. checkov's terraform_json parser (3.3.30) fails on
the top-level `terraform` block (it expects only nested objects; `required_version` is a string), so it
scans copies without that block: it holds the backend and provider requirements, nothing checkov checks.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from ecrgen.addresses import LOG_GROUP_TYPE, REPOSITORY_TYPE

# Findings that follow from ecrgen's documented defaults, each with the reason it is accepted.
REASONS = {
    "AES256": "AES256 (SSE-S3) is ecrgen's default encryption; KMS is one setting away "
    '(encryption = "KMS", kms_key) where compliance asks for customer-managed keys',
    "EXCLUSION": "IMMUTABLE_WITH_EXCLUSION by design: every tag is immutable except the listed "
    "mutable_tags; checkov knows only IMMUTABLE",
    "NONPROD_MUTABLE": "non-production repositories default to MUTABLE (development tags such as `latest` "
    "are pushed again); production ones default to IMMUTABLE and stay checked",
    "NONPROD_MUTABLE_WITH_EXCLUSION": "a non-production repository made MUTABLE_WITH_EXCLUSION on purpose "
    "(the mode is never inferred): its immutable_tags stay immutable, the rest is mutable as MUTABLE is; "
    "in production it stays checked",
    "LOG_GROUP_KMS": "the scan-findings log group uses CloudWatch Logs' default encryption; "
    "ecrgen has no setting for a log group KMS key yet",
}

# The resource type each accepted check looks at (checkov's terraform_json results name only the block).
TYPES = {
    "CKV_AWS_51": REPOSITORY_TYPE.type,
    "CKV_AWS_136": REPOSITORY_TYPE.type,
    "CKV_AWS_158": LOG_GROUP_TYPE.type,
}


def accepted(check: str, block: dict, production: bool) -> str | None:
    """Why this finding is accepted, or None when it must fail the gate."""
    mutability = block.get("image_tag_mutability")
    if (
        check == "CKV_AWS_136"
        and block.get("encryption_configuration", [{}])[0].get("encryption_type", "AES256") == "AES256"
    ):
        return REASONS["AES256"]
    if check == "CKV_AWS_51" and mutability == "IMMUTABLE_WITH_EXCLUSION":
        return REASONS["EXCLUSION"]
    if check == "CKV_AWS_51" and mutability == "MUTABLE" and not production:
        return REASONS["NONPROD_MUTABLE"]
    if check == "CKV_AWS_51" and mutability == "MUTABLE_WITH_EXCLUSION" and not production:
        return REASONS["NONPROD_MUTABLE_WITH_EXCLUSION"]
    if check == "CKV_AWS_158" and "kms_key_id" not in block:
        return REASONS["LOG_GROUP_KMS"]
    return None


def main(argv: list[str] | None = None) -> int:
    """Run checkov on the stacks; print every finding with its verdict; 1 on an unaccepted one."""
    args = _parser().parse_args(argv)
    stacks = {Path(path).parent.name: json.loads(Path(path).read_text()) for path in args.stacks}
    production = _production(Path(args.accounts_dir), list(stacks))
    report = _run_checkov(args.checkov, stacks)
    if report is None:
        return 1
    unexpected = 0
    for check in report["failed_checks"]:
        stack = Path(check["file_path"]).parent.name
        name = check["resource"].split(".")[-1]
        block = stacks[stack].get("resource", {}).get(TYPES.get(check["check_id"], ""), {}).get(name, {})
        reason = (
            "accepted with --accept"
            if check["check_id"] in args.accept
            else accepted(check["check_id"], block, production.get(stack, True))
        )
        unexpected += reason is None
        verdict = "accepted" if reason else "FAILED"
        print(
            f"{verdict}: {stack}: {check['check_id']} {name}: {check['check_name']}"
            + (f" ({reason})" if reason else "")
        )
    missing = set(args.require) - {check["check_id"] for check in report["passed_checks"]}
    print(
        f"checkov: {len(stacks)} stack(s), {len(report['passed_checks'])} passed, {unexpected} failed, "
        f"{len(report['failed_checks']) - unexpected} accepted"
    )
    if missing:
        print(f"required checks not passed anywhere: {', '.join(sorted(missing))}", file=sys.stderr)
    return 1 if unexpected or missing else 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m ecrgen.checkov_gate", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--checkov", default="checkov", help="the checkov executable (its own environment)")
    parser.add_argument(
        "--accounts-dir", default="accounts", help="to tell production stacks from the others"
    )
    parser.add_argument(
        "--accept", action="append", default=[], metavar="CHECK_ID", help="also accept this check"
    )
    parser.add_argument(
        "--require", action="append", default=[], metavar="CHECK_ID", help="must pass somewhere"
    )
    parser.add_argument("stacks", nargs="+", help="cdk.tf.json files, one per stack folder")
    return parser


def _production(accounts_dir: Path, names: list[str]) -> dict[str, bool]:
    """Stack name -> whether its account is production (unknown stacks count as production)."""
    from ecrgen.config import load

    known = [name for name in names if (accounts_dir / f"{name}.toml").is_file()]
    return (
        {account.name: account.production for account in load.load_accounts(accounts_dir, known)}
        if known
        else {}
    )


def _run_checkov(checkov: str, stacks: dict[str, dict]) -> dict | None:
    with tempfile.TemporaryDirectory() as scratch:
        for name, document in stacks.items():
            copy = Path(scratch) / name / "cdk.tf.json"
            copy.parent.mkdir()
            copy.write_text(json.dumps({key: value for key, value in document.items() if key != "terraform"}))
        done = subprocess.run(
            [checkov, "-d", scratch, "--framework", "terraform_json", "--skip-download", "-o", "json"],
            capture_output=True,
            text=True,
        )
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        print(f"checkov failed ({done.returncode}):\n{done.stderr[-2000:]}", file=sys.stderr)
        return None
    report = report[0] if isinstance(report, list) else report
    if report.get("summary", {}).get("parsing_errors"):
        print("checkov could not parse every stack", file=sys.stderr)
        return None
    return report["results"]


if __name__ == "__main__":
    sys.exit(main())
