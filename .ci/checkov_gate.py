"""Run checkov on a synthesized stack and fail on any finding that is not an accepted exception.

    python .ci/checkov_gate.py CHECKOV_BINARY cdktf.out/stacks/<ACCOUNT>/cdk.tf.json

checkov's terraform_json parser (3.3.30) fails on the top-level `terraform` block (it expects only
nested objects; `required_version` is a string), so the scan runs on a copy without that block: it
holds the backend and provider requirements, nothing checkov checks.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

# (check, resource) -> why it is accepted. "*" matches every resource.
ACCEPTED = {
    ("CKV_AWS_136", "*"): "AES256 (SSE-S3) is the chosen encryption for these examples; KMS is one setting away "
                          "(encryption = \"KMS\", kms_key) where compliance asks for customer-managed keys",
    ("CKV_AWS_51", "app"): "IMMUTABLE_WITH_EXCLUSION by design: every tag is immutable except `latest`; "
                           "checkov knows only IMMUTABLE",
}
# Checks the production example must pass (where checkov evaluates them).
REQUIRED = {"CKV_AWS_51", "CKV_AWS_163"}


def main(checkov: str, stack: str) -> int:
    document = json.loads(Path(stack).read_text())
    document.pop("terraform", None)
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "cdk.tf.json"
        copy.write_text(json.dumps(document))
        done = subprocess.run([checkov, "-f", str(copy), "--framework", "terraform_json", "--skip-download", "-o", "json"],
                              capture_output=True, text=True)
    report = json.loads(done.stdout)
    report = report[0] if isinstance(report, list) else report
    if report.get("summary", {}).get("parsing_errors"):
        print(f"checkov could not parse {stack}", file=sys.stderr)
        return 1
    results = report["results"]
    unexpected = []
    for check in results["failed_checks"]:
        resource = check["resource"].split(".")[-1]
        reason = ACCEPTED.get((check["check_id"], resource)) or ACCEPTED.get((check["check_id"], "*"))
        print(f"{'accepted' if reason else 'FAILED'}: {check['check_id']} {check['resource']}: {check['check_name']}"
              + (f" ({reason})" if reason else ""))
        if not reason:
            unexpected.append(check)
    passed = {check["check_id"] for check in results["passed_checks"]}
    missing = REQUIRED - passed
    print(f"{stack}: {len(results['passed_checks'])} passed, {len(unexpected)} failed, "
          f"{len(results['failed_checks']) - len(unexpected)} accepted")
    if missing:
        print(f"required checks not passed anywhere: {', '.join(sorted(missing))}", file=sys.stderr)
    return 1 if unexpected or missing else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
