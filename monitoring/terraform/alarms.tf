# CloudWatch alarms for the queue, the database and the gateway. The backlog alarm is named per
# environment, so its name is a pattern: faultline matches it by its literal part.

variable "env" {
  type    = string
  default = "prod"
}

resource "aws_cloudwatch_metric_alarm" "orders_dlq" {
  alarm_name          = "orders-dlq-not-empty"
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = "orders-dlq" }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  tags = {
    runbook_url = "runbooks/queue/dlq-redrive.md"
  }
}

resource "aws_cloudwatch_metric_alarm" "orders_backlog" {
  alarm_name          = "${var.env}-orders-queue-backlog"
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateAgeOfOldestMessage"
  dimensions          = { QueueName = "orders" }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 5
  comparison_operator = "GreaterThanThreshold"
  threshold           = 300
}

resource "aws_cloudwatch_metric_alarm" "orders_db_storage" {
  alarm_name          = "orders-db-free-storage-low"
  namespace           = "AWS/RDS"
  metric_name         = "FreeLocalStorage"
  dimensions          = { DBClusterIdentifier = "orders" }
  statistic           = "Minimum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "LessThanThreshold"
  threshold           = 10737418240
}

resource "aws_cloudwatch_metric_alarm" "backup_copy" {
  alarm_name          = "backup-vault-copy-missing"
  namespace           = "AWS/Backup"
  metric_name         = "NumberOfCopyJobsCompleted"
  statistic           = "Sum"
  period              = 86400
  evaluation_periods  = 1
  comparison_operator = "LessThanThreshold"
  threshold           = 1
  treat_missing_data  = "breaching"
}

resource "aws_cloudwatch_metric_alarm" "waf_blocks" {
  alarm_name          = "api-gateway-waf-4xx-rate"
  namespace           = "AWS/WAFV2"
  metric_name         = "BlockedRequests"
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 2
  comparison_operator = "GreaterThanThreshold"
  threshold           = 500
}

resource "aws_cloudwatch_metric_alarm" "gateway_429" {
  alarm_name          = "api-gateway-429-rate"
  namespace           = "AWS/ApiGateway"
  metric_name         = "4XXError"
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = 100
}
