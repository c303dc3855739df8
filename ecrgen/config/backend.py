"""`[backend]` -> `Backend`: a local state file, or an S3 state with its own AWS and Terraform rules."""

from __future__ import annotations

from pathlib import PurePosixPath, PureWindowsPath

from ecrgen.config import defaults, schema
from ecrgen.config.findings import Findings
from ecrgen.config.model import Backend
from ecrgen.errors import show
from ecrgen.rules import names, terraform


def backend(account: str, region: str, table: schema.BackendTable, found: Findings) -> Backend:
    """The resolved backend of the account file `account` in `region`."""
    given = table.model_fields_set - {"type"}
    if table.type == "local":
        for key in sorted(given - {"path"}):
            found.add(f"backend.{key}", [("", "is only allowed with type 's3'")])
        path = table.path if table.path is not None else defaults.BACKEND_PATH
        if not path or PurePosixPath(path).is_absolute() or PureWindowsPath(path).is_absolute():
            found.add(
                "backend.path",
                [("", f"{show(path)} must be a relative path (output must not depend on the machine)")],
            )
        return Backend(type="local", path=path)
    if "path" in given:
        found.add("backend.path", [("", "is only allowed with type 'local'")])
    if table.bucket is None:
        found.add("backend.bucket", [("", "is required with type 's3'")])
    else:
        found.add("backend.bucket", terraform.check_s3_bucket(table.bucket))
    if table.region is not None:
        found.add("backend.region", names.region(table.region))
    if table.key is not None:
        found.add("backend.key", terraform.check_s3_key(table.key))
    if table.dynamodb_table is not None:
        found.add("backend.dynamodb_table", terraform.check_dynamodb_table(table.dynamodb_table))
    return Backend(
        type="s3",
        bucket=table.bucket,
        key=table.key or defaults.S3_KEY.format(account=account),
        region=table.region or region,
        use_lockfile=defaults.S3_USE_LOCKFILE if table.use_lockfile is None else table.use_lockfile,
        dynamodb_table=table.dynamodb_table,
        encrypt=defaults.S3_ENCRYPT if table.encrypt is None else table.encrypt,
    )
