"""The shipped workflow's apply, against real Terraform on moto: a saved plan that the state has moved
past since it was made (and reviewed) is refused by Terraform itself, with the words the workflow's apply
step looks for to ask for a new run."""

from __future__ import annotations

import pytest
from terraform_harness import Stack, missing
from test_terraform_ownership import write_account

from ecrgen.workflow import workflow_text

pytestmark = [pytest.mark.terraform, pytest.mark.skipif(missing() is not None, reason=missing() or "")]

ACCOUNT = """
[account]
id = "123456789012"
region = "us-east-1"
environment = "development"
project = "shop"

[[repository]]
name = "app"
"""


def stale_marker() -> str:
    """What the workflow's apply step greps Terraform's error for."""
    import yaml

    apply = yaml.safe_load(workflow_text("ecrgen==0.1.0"))["jobs"]["apply"]["steps"]
    script = next(s["run"] for s in apply if s.get("name") == "Apply each account's saved plan")
    marker = 'grep -q "Saved plan is stale"'
    assert marker in script
    return "Saved plan is stale"


def test_a_reviewed_plan_the_state_moved_past_is_refused_and_nothing_of_it_applied(tmp_path, moto):
    write_account(tmp_path, ACCOUNT)
    stack = Stack(tmp_path, "shop", moto)
    assert stack.up() == {}
    # The plan a reviewer approves: one repository more, saved.
    stack.edit(lambda text: text + '\n[[repository]]\nname = "api"\n')
    stack.synth()
    stack.workspace.pin_provider()
    stack.workspace.save_plan("reviewed")
    # Meanwhile another run applies its own plan to the same state.
    stack.edit(lambda text: text.replace('name = "api"', 'name = "web"'))
    stack.synth()
    stack.workspace.pin_provider()
    stack.workspace.save_plan("newer")
    stack.workspace.apply("newer")
    refused = stack.workspace.run(["terraform", "apply", "-input=false", "reviewed.tfplan"], check=False)
    assert refused.code == 1 and stale_marker() in refused.output
    names = {
        r["repositoryName"]
        for r in stack.moto.client("ecr", "us-east-1").describe_repositories()["repositories"]
    }
    assert names == {"app", "web"}  # nothing of the stale plan
