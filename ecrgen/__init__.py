"""ecrgen: one small config file per AWS account in, Terraform JSON for its Amazon ECR set-up out."""

__version__ = "0.1.0"
