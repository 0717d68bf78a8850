variable "env" {
  type = string
}

resource "aws_cloudwatch_metric_alarm" "dlq" {
  alarm_name          = "orders-dlq-not-empty"
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  tags = {
    runbook_url = "runbooks/payments.md#high-error-rate"
  }
}

resource "aws_cloudwatch_metric_alarm" "throttles" {
  alarm_name = "${var.env}-payments-throttles"
}

resource "datadog_monitor" "latency" {
  name    = format("%s checkout latency", var.env)
  type    = "metric alert"
  message = "p99 latency"
}

resource "aws_cloudwatch_metric_alarm" "computed" {
  alarm_name = local.alarm_name
}
