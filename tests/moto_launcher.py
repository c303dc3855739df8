"""`moto_server`, with moto's ECR lifecycle schema brought up to ECR's current one.

moto 5's lifecycle validator predates ECR's archive storage tier: it rejects `transition` actions,
`targetStorageClass`, `storageClass`, `sinceImagePulled` and `sinceImageTransitioned`, all of which ECR
accepts (https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html).
This widens moto's allowed sets to that page and starts the server; ecrgen's own rules
(`ecrgen/rules/lifecycle.py`) stay the strict check of how those fields combine.
"""

import sys

import moto.ecr.policy_validation as schema
from moto.server import main

schema.VALID_ACTION_PROPERTIES = {"type", "targetStorageClass"}
schema.VALID_ACTION_TYPE_VALUES = {"expire", "transition"}
schema.VALID_SELECTION_PROPERTIES = {*schema.VALID_SELECTION_PROPERTIES, "storageClass"}
schema.VALID_SELECTION_COUNT_TYPE_VALUES = {
    "imageCountMoreThan",
    "sinceImagePushed",
    "sinceImagePulled",
    "sinceImageTransitioned",
}

if __name__ == "__main__":
    sys.exit(main())
