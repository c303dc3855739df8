"""`ecrgen lifecycle-preview`: what a repository's effective lifecycle policy (ecrgen's default policy or
its `rules`, as `synth` emits it) would do to its images, offline, before the policy is applied.

The images come from a describe-images file or from AWS (`ecrgen.aws`: the standard credential chain,
`AWS_ENDPOINT_URL` honoured, every page); the evaluation is `ecrgen.rules.lifecycle_evaluation`'s. The
result is printed as text or JSON, and `deployed` tags turn an affected image into a refusal (exit 1).
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
from dataclasses import dataclass, field
from pathlib import Path

from ecrgen import images
from ecrgen.config.model import Account, Repository
from ecrgen.errors import EcrgenError, Problem, show
from ecrgen.rules.lifecycle_evaluation import EXPIRE, KEEP, TRANSITION, Image, Outcome, evaluate

VERBS = {EXPIRE: "expired", TRANSITION: "transitioned to the archive"}


@dataclass(frozen=True)
class Preview:
    """The outcome of every image (input order) under the repository's effective lifecycle rules."""

    repository: str  # the `name` in the account file
    ecr_name: str
    at: dt.datetime
    rules: list[dict]  # empty: the repository has no lifecycle policy
    outcomes: list[Outcome]
    deployed: tuple[str, ...] = ()
    warnings: tuple[Problem, ...] = field(default=())

    def as_json(self) -> dict:
        """The contract's shape: every input image once, with its action and rule (None when kept)."""
        return {
            "repository": self.repository,
            "images": [
                {"imageDigest": o.image.digest, "action": o.action, "rulePriority": o.rule_priority}
                for o in self.outcomes
            ],
        }

    def json_text(self) -> str:
        """`as_json()` as printed by `--json`: one image per line (json's C encoder writes each; an
        indented dump of 10,000 images would take Python's slower one)."""
        data = self.as_json()
        rows = ",\n".join(f"    {json.dumps(row)}" for row in data["images"])
        return f'{{\n  "repository": {json.dumps(data["repository"])},\n  "images": [\n{rows}\n  ]\n}}'

    def lines(self) -> list[str]:
        """The human report: a header, per rule how many images it expires or transitions and each of
        them (tags, age, rule), then a one-line summary."""
        at = self.at.isoformat().replace("+00:00", "Z")
        found = [f"{self.repository} ({self.ecr_name}): {len(self.outcomes)} image(s) at {at}"]
        if not self.rules:
            found.append("no lifecycle policy (lifecycle = false): ECR expires and transitions nothing")
        for rule in sorted(self.rules, key=lambda r: r["rulePriority"]):
            hit = [o for o in self.outcomes if o.rule_priority == rule["rulePriority"]]
            verb = "transitions" if rule["action"]["type"] == TRANSITION else "expires"
            about = f" ({rule['description']})" if rule.get("description") else ""
            found.append(f"rule {rule['rulePriority']}{about}: {verb} {len(hit)} image(s)")
            found += [f"  {self._image_line(o)}" for o in sorted(hit, key=lambda o: o.image.pushed_at)]
        counts = {kind: sum(o.action == kind for o in self.outcomes) for kind in (EXPIRE, TRANSITION, KEEP)}
        found.append(
            f"summary: {counts[EXPIRE]} expired, {counts[TRANSITION]} transitioned, {counts[KEEP]} kept "
            f"of {len(self.outcomes)} image(s)"
        )
        return found

    def _image_line(self, outcome: Outcome) -> str:
        image = outcome.image
        tags = ", ".join(image.tags) if image.tags else "<untagged>"
        pulled = f", pulled {_days(self.at, image.pulled_at)}d ago" if image.pulled_at else ""
        archived = ", archived" if image.storage_class == "archive" else ""
        return (
            f"{outcome.action} {image.digest[:19]} [{tags}] pushed {_days(self.at, image.pushed_at)}d ago"
            f"{pulled}{archived} (rule {outcome.rule_priority})"
        )

    def refused(self) -> list[Problem]:
        """Each image carrying a `deployed` tag that the policy would expire or transition."""
        wanted = set(self.deployed)
        found: list[Problem] = []
        if not wanted:
            return found
        for outcome in self.outcomes:
            carried = [tag for tag in outcome.image.tags if tag in wanted]
            if outcome.action != KEEP and carried:
                rule = next(r for r in self.rules if r["rulePriority"] == outcome.rule_priority)
                about = f" ({rule['description']})" if rule.get("description") else ""
                found.append(
                    Problem(
                        "",
                        self.repository,
                        f"image {outcome.image.digest} tagged {', '.join(carried)} (deployed) would be "
                        f"{VERBS[outcome.action]} by rule {outcome.rule_priority}{about}",
                    )
                )
        return found

    def unmatched(self) -> list[Problem]:
        """Each `deployed` tag no image carries: nothing was checked for it (a typo turns the guard green)."""
        carried = {tag for outcome in self.outcomes for tag in outcome.image.tags}
        return [
            Problem(
                "",
                self.repository,
                f"--deployed {tag!r}: no image carries this tag, so nothing was checked for it; is it "
                "spelled as the image's tag?",
            )
            for tag in dict.fromkeys(self.deployed)
            if tag not in carried
        ]


def _days(at: dt.datetime, then: dt.datetime) -> int:
    return (at - then) // dt.timedelta(days=1)


def parse_at(text: str | None) -> dt.datetime:
    """`--at`: ISO 8601 (UTC when it has no offset); now when not given."""
    if text is None:
        return dt.datetime.now(dt.UTC)
    moment = images.parse_time(text)
    if moment is None:
        raise EcrgenError([Problem("", "--at", images.not_a_time(text))])
    return moment


def repository(account: Account, name: str) -> Repository:
    """The repository named `name` in the account file (its `name`, not its ECR name)."""
    for repo in account.repositories:
        if repo.name == name:
            return repo
    known = [repo.name for repo in account.repositories]
    near = difflib.get_close_matches(name, known, n=1)
    hint = f"did you mean {near[0]!r}? " if near else ""
    raise EcrgenError(
        [
            Problem(
                account.file,
                "",
                f"{show(name)} is not a repository of this account ({hint}its repositories: "
                f"{', '.join(known) or 'none'})",
            )
        ]
    )


def effective_rules(repo: Repository) -> list[dict]:
    """The lifecycle rules ecrgen emits for the repository: its `rules`, or the default policy's."""
    return json.loads(repo.lifecycle_policy)["rules"] if repo.lifecycle_policy else []


def read_images(account: Account, repo: Repository, source: Path | None) -> tuple[Image, ...]:
    """The images of a describe-images file, or (`source` None) those AWS holds in the repository."""
    if source is not None:
        try:
            text = source.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            reason = getattr(error, "strerror", None) or str(error)
            raise EcrgenError([Problem(source.as_posix(), "", f"cannot be read ({reason})")]) from None
        return images.read_file(text, source.as_posix())
    from ecrgen.aws import Aws

    # Without the filter, DescribeImages lists ACTIVE images only; archive rules need the archived ones.
    details = Aws(account.region).pages(
        "ecr",
        "describe_images",
        "imageDetails",
        repositoryName=repo.ecr_name,
        registryId=account.id,
        filter={"imageStatus": "ANY"},
    )
    return images.read_details(details, f"AWS ecr:DescribeImages {repo.ecr_name}")


def preview(
    account: Account, name: str, source: Path | None, at: str | None, deployed: tuple[str, ...]
) -> Preview:
    """What the named repository's effective lifecycle policy does to its images at `at`."""
    when = parse_at(at)
    repo = repository(account, name)
    found = read_images(account, repo, source)
    rules = effective_rules(repo)
    return Preview(repo.name, repo.ecr_name, when, rules, evaluate(rules, found, when), deployed)
