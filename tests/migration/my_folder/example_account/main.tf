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
