"""The AWS provider's rule on the account it works in.

https://registry.terraform.io/providers/hashicorp/aws/latest/docs#allowed_account_ids: ecrgen writes
`allowed_account_ids = [account id]`, so the role the provider assumes must live in that account.
"""

from __future__ import annotations

from ecrgen.errors import show
from ecrgen.rules import Found


def same_account(role_arn: str, account_id: str) -> Found:
    """An `assume_role_arn` (a valid role ARN) of another account than the file's."""
    other = role_arn.split(":")[4]
    if other == account_id:
        return []
    return [
        (
            "",
            f"{show(role_arn)} is a role in account {other}; the provider allows only account {account_id} "
            "(allowed_account_ids), so Terraform would stop at plan: assume a role in this account",
        )
    ]
