resource "aws_ecr_repository" "this" {
  for_each             = toset(var.repositories)
  name                 = "${var.project_name}/${each.key}"
  image_tag_mutability = var.environment == "production" ? "IMMUTABLE" : "MUTABLE"

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "AES256"
  }
}

resource "aws_ecr_lifecycle_policy" "this" {
  for_each   = aws_ecr_repository.this
  repository = each.value.name
  policy = jsonencode({
    rules = [
      {
        rulePriority = 1
        description  = "Remove untagged images after 7 days"
        selection    = { tagStatus = "untagged", countType = "sinceImagePushed", countUnit = "days", countNumber = 7 }
        action       = { type = "expire" }
      },
      {
        rulePriority = 2
        description  = "Keep last 30 images"
        selection    = { tagStatus = "any", countType = "imageCountMoreThan", countNumber = 30 }
        action       = { type = "expire" }
      },
    ]
  })
}

resource "aws_ecr_repository_policy" "this" {
  for_each   = length(var.allowed_account_ids) > 0 ? aws_ecr_repository.this : {}
  repository = each.value.name
  policy     = templatefile("${path.module}/iam_policies/cross_account_pull.json.tpl", { account_ids = var.allowed_account_ids })
}
