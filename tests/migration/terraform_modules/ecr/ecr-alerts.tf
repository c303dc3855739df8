# The alerts module's file for ECR: when an image scan finds HIGH or CRITICAL vulnerabilities, an alert
# is sent to the SQS queue (made by the alerts module; looked up in data.tf).
resource "aws_cloudwatch_event_rule" "ecr_scan" {
  name        = "${var.project_name}-ecr-image-scan"
  description = "ECR image scan found HIGH or CRITICAL vulnerabilities"
  event_pattern = jsonencode({
    source        = ["aws.ecr"]
    "detail-type" = ["ECR Image Scan"]
    detail = {
      "scan-status" = ["COMPLETE"]
      "$or" = [
        { "finding-severity-counts" = { HIGH = [{ numeric = [">", 0] }] } },
        { "finding-severity-counts" = { CRITICAL = [{ numeric = [">", 0] }] } },
      ]
    }
  })
}

resource "aws_cloudwatch_event_target" "ecr_scan_sqs" {
  rule      = aws_cloudwatch_event_rule.ecr_scan.name
  target_id = "SendToSQS"
  arn       = data.aws_sqs_queue.alerts.arn
}
