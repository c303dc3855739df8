resource "aws_iam_role" "ecr" {
  name = "${var.project_name}-ecr"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "codebuild.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role_policy" "ecr" {
  name = "ecr-push"
  role = aws_iam_role.ecr.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "ecr:GetAuthorizationToken", Resource = "*" },
      { Effect = "Allow", Action = ["ecr:*"], Resource = [for r in aws_ecr_repository.this : r.arn] },
    ]
  })
}
