output "repository_url" {
  value = { for k, r in aws_ecr_repository.this : k => r.repository_url }
}

output "registry_id" {
  value = data.aws_caller_identity.current.account_id
}
