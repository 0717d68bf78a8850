resource "aws_cloudwatch_metric_alarm" "x" {
  alarm_name = "ok"

resource "datadog_monitor" "y" {
