provider "aws" {
  region = "us-east-1"
}

module "ecr" {
  source              = "../../terraform_modules/ecr"
  project_name        = "canvas-ta"
  environment         = "production"
  repositories        = ["app", "api"]
  allowed_account_ids = ["210987654321"]
  alerts_queue_name   = "security-alerts"
}

# The account folder's own outputs read the module: step 1 removes them with the module block.
output "repository_url" {
  value = module.ecr.repository_url
}
