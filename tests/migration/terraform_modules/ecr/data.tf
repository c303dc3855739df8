data "aws_caller_identity" "current" {}

# Made by the alerts module.
data "aws_sqs_queue" "alerts" {
  name = var.alerts_queue_name
}
