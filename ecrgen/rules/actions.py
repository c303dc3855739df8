"""The ECR actions ecrgen's policies grant, by purpose: the same lists for the policy templates (which
see them as `pull_actions`, `push_actions`, ...) and for the role's inline policy."""

from __future__ import annotations

PULL_ACTIONS = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
PUSH_ACTIONS = sorted(
    PULL_ACTIONS
    + ["ecr:CompleteLayerUpload", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart"]
)
REPLICATION_ACTIONS = ["ecr:CreateRepository", "ecr:ReplicateImage"]
PULL_THROUGH_ACTIONS = ["ecr:BatchImportUpstreamImage", "ecr:CreateRepository"]
